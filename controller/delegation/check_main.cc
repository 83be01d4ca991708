// dg-check: `domainguard check` as a stand-alone binary, for development until app/main.cc wires RunCheck in.
#include "controller/delegation/check_command.h"

int main(int argc, char** argv) { return domainguard::delegation::RunCheck(argc, argv); }
