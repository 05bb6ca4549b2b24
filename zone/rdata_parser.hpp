// Second stage of reading a master file: the RDATA fields of one entry to
// wire form. The most common types have native parsers that give exactly
// ldns' result (tests compare them); everything else goes through ldns.
// Embedded names come out lower-cased for the RFC 4034 §6.2 types as amended
// by RFC 6840 §5.1 (ldns_rr2canonical's list, which matches it).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "zone/ldns_raii.hpp"
#include "zone/master_lexer.hpp"
#include "zone/wire.hpp"

namespace zs::zone {

// One per thread: caches the ldns form of each origin.
class RdataParser {
public:
    explicit RdataParser(const std::vector<Wire>& origins) : origins_(origins), origin_rdfs_(origins.size()) {}

    // Throws zs::Error saying which field of which type is wrong; the caller
    // adds FILE:LINE.
    Wire parse(std::uint16_t type, const Token* tokens, std::size_t count, std::uint32_t origin_index);

    // Forces the ldns path (tests compare it with the native parsers).
    Wire parse_with_ldns(std::uint16_t type, const Token* tokens, std::size_t count, std::uint32_t origin_index);

private:
    bool parse_native(std::uint16_t type, const Token* tokens, std::size_t count, const Wire& origin, Wire& out);
    const ldns_rdf* origin_rdf(std::uint32_t origin_index);

    const std::vector<Wire>& origins_;
    std::vector<LdnsRdf> origin_rdfs_;
    std::string text_;  // reused buffer for the text handed to ldns
};

}  // namespace zs::zone
