// TEST-ONLY: stop the process at a named point of a run, so that a test can
// kill it there (kill -9) or change its world (remove the input) and let it
// go on (kill -CONT). Timed kills only land near a point; this lands on it.
//
// ZONESIGNER_TEST_STOP_AT=POINT stops the process (SIGSTOP, every thread)
// the first time it reaches POINT; POINT:SUFFIX stops there only for a file
// whose path ends in SUFFIX (for the points that name a file). Unset, every
// call is a load and a compare. Never set it in production.
//
// The points (tests/integration/batch_run.sh uses each of them):
//   input-hashed     zonesigner run hashed the zone's input, before reading it
//   mid-read         the first batch of records is grouped, the rest not read
//   mid-signing      the first chunk of names is signed, the rest not
//   output-written   the temporary output is complete, not yet synced or renamed
//   before-rename    a file (AtomicFile) is synced, not yet renamed into place
//   after-rename     a file is renamed into place, its directory not yet synced
//   in-transaction   the key manager's state transaction is written, not committed
//   recorded         the key states are committed, the run record not yet written
#pragma once

#include <string_view>

namespace zs {

void test_stop_point(std::string_view point, std::string_view file = {});

}  // namespace zs
