// autoresponder-ctl: the administrator's command line for out-of-office
// rules and the reply queue. Writes to the store the running milter reads
// per message, so nothing needs a restart. See autoresponder-ctl(8).
#include <iostream>

#include "ctl/command_dispatch.h"

int main(int argc, char** argv) { return ar::RunCtl(argc, argv, std::cin, std::cout, std::cerr); }
