// Shared pieces of the command-line front end.
#pragma once

#include <string>
#include <vector>

#include <boost/program_options.hpp>

#include "common/time_format.hpp"

namespace zs::signer {

namespace po = boost::program_options;

// Parses argv[first..] into vm; throws UsageError with the reason. Returns
// true if --help was given (help printed to stdout).
bool parse_command(int argc, char** argv, int first, const std::string& usage, const po::options_description& opts,
                   const po::positional_options_description* positional, po::variables_map& vm);

UnixTime time_option(const po::variables_map& vm, const std::string& name);   // now if absent
Seconds duration_option(const std::string& name, const std::string& text);
// A JSON string literal: quotes, backslashes and control characters escaped.
std::string json_string(const std::string& s);
unsigned default_threads();

int run_sign_command(int argc, char** argv);
int run_verify_command(int argc, char** argv);
int run_key_command(int argc, char** argv);
int run_hsm_command(int argc, char** argv);
int run_policy_command(int argc, char** argv);
int run_simulate_command(int argc, char** argv);
int run_plan_command(int argc, char** argv);
int run_run_command(int argc, char** argv);     // cli_run.cpp
int run_status_command(int argc, char** argv);  // cli_status.cpp
int run_zone_command(int argc, char** argv);    // cli_zone.cpp

}  // namespace zs::signer
