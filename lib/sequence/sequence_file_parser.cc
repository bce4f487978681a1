// placeholder; filled in shortly.
