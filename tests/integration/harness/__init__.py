"""Integration test harness: a private Postfix instance on 127.0.0.1, an SMTP
sink that records what Postfix delivers, and the autoresponder programs.

Nothing here touches the system Postfix or /etc/postfix; every instance lives
in its own temporary directory and listens on free loopback ports only.
"""
