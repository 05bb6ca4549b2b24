// Owning handles for the ldns objects zone/ uses (RAII: every C handle is
// freed on every path, including exceptions).
#pragma once

#include <memory>

// Must come first: without it ldns/common.h defines the macros `bool`,
// `false` and `true`, which break the C++ standard headers included later.
#include <stdbool.h>
#include <ldns/ldns.h>

namespace zs::zone {

struct LdnsRrFree {
    void operator()(ldns_rr* rr) const { ldns_rr_free(rr); }
};
struct LdnsRdfFree {
    void operator()(ldns_rdf* rdf) const { ldns_rdf_deep_free(rdf); }
};
struct LdnsBufferFree {
    void operator()(ldns_buffer* buffer) const { ldns_buffer_free(buffer); }
};

using LdnsRr = std::unique_ptr<ldns_rr, LdnsRrFree>;
using LdnsRdf = std::unique_ptr<ldns_rdf, LdnsRdfFree>;
using LdnsBuffer = std::unique_ptr<ldns_buffer, LdnsBufferFree>;

}  // namespace zs::zone
