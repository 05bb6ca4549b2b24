// What the previous signing of a zone left for incremental re-signing: its
// signature cache and, when the cache still describes it, the previous
// output opened for reading (text of unchanged names is copied from it).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "signer/file_bytes.hpp"
#include "signer/unique_fd.hpp"
#include "signer/signature_cache.hpp"
#include "signer/signing_engine.hpp"

namespace zs::signer {

struct PreviousSigning {
    std::unique_ptr<SignatureCache> cache;
    UniqueFd output;
    // Why the cache cannot be used (then every signature is made anew).
    std::string warning;
};

// Never throws for a missing or damaged cache (the warning says what is
// wrong); the output is opened only if its identity is the one the cache
// recorded. output_path "-" or empty: no text is copied.
PreviousSigning load_previous_signing(const std::string& cache_path, const std::string& output_path);

// The reuse source for RrsetSigner: the cache's keys matched with the
// signing keys by DNSKEY RDATA. An empty source when there is no cache.
ReuseSource reuse_source(const PreviousSigning& previous, const std::vector<SigningKey>& keys, const ReuseRules& rules);

}  // namespace zs::signer
