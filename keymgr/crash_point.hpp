// TEST-ONLY crash injection for the key manager's crash-safety tests
// (tests/integration/key_crash.sh). When the environment variable
// ZONESIGNER_TEST_CRASH_AT=N is set, the process kills itself with SIGKILL
// right after its N-th committed state-changing transaction (counted over
// the whole process: key generation, the state and audit update, purge
// tombstones, and the key commands' updates). Unset, it does nothing.
// Never set it in production: it exists to prove that every prefix of a run
// leaves a database from which the next run reaches the same state.
#pragma once

namespace zs::keymgr {

// Call right after a state-changing transaction commits.
void crash_point_after_commit();

}  // namespace zs::keymgr
