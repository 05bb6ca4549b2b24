#include "signer/previous_signing.hpp"

#include <fcntl.h>

#include "common/atomic_file.hpp"

namespace zs::signer {

PreviousSigning load_previous_signing(const std::string& cache_path, const std::string& output_path) {
    PreviousSigning previous;
    if (cache_path.empty() || !file_exists(cache_path)) return previous;
    try {
        previous.cache = std::make_unique<SignatureCache>(cache_path);
    } catch (const std::exception& e) {
        previous.warning = std::string(e.what()) + "; making every signature anew";
        return previous;
    }
    // Text is copied only from the very file the cache describes (and each
    // name's text only while it has the checksum recorded for it).
    if (!output_path.empty() && output_path != "-") {
        UniqueFd fd(::open(output_path.c_str(), O_RDONLY | O_CLOEXEC));
        if (fd && file_identity(fd.get()) == previous.cache->output()) previous.output = std::move(fd);
    }
    return previous;
}

ReuseSource reuse_source(const PreviousSigning& previous, const std::vector<SigningKey>& keys, const ReuseRules& rules) {
    ReuseSource reuse;
    if (!previous.cache) return reuse;
    reuse.cache = previous.cache.get();
    for (std::string_view cached_key : reuse.cache->keys()) {
        int index = -1;
        for (std::size_t k = 0; k < keys.size() && index < 0; ++k)
            if (keys[k].record.dnskey_rdata == cached_key) index = static_cast<int>(k);
        reuse.signing_key_of.push_back(index);
    }
    if (previous.output) reuse.previous_output = previous.output.get();
    reuse.rules = rules;
    return reuse;
}

}  // namespace zs::signer
