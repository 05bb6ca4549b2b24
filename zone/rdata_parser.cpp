#include "zone/rdata_parser.hpp"

#include <arpa/inet.h>

#include <optional>

#include "common/encoding.hpp"
#include "common/error.hpp"
#include "zone/name.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {

namespace {

// ---- Field names for error messages -------------------------------------

std::vector<const char*> field_names(std::uint16_t type) {
    switch (type) {
        case rrtype::A: case rrtype::AAAA: return {"address"};
        case rrtype::NS: return {"name server"};
        case rrtype::CNAME: case rrtype::DNAME: case rrtype::PTR: return {"target"};
        case rrtype::SOA: return {"primary name server", "mailbox", "serial", "refresh", "retry", "expire", "minimum"};
        case rrtype::MX: return {"preference", "exchange"};
        case rrtype::TXT: return {"string"};
        case 13: return {"CPU", "OS"};  // HINFO
        case rrtype::SRV: return {"priority", "weight", "port", "target"};
        case rrtype::NAPTR: return {"order", "preference", "flags", "services", "regexp", "replacement"};
        case rrtype::DS: case rrtype::CDS: return {"key tag", "algorithm", "digest type", "digest"};
        case rrtype::SSHFP: return {"algorithm", "fingerprint type", "fingerprint"};
        case rrtype::RRSIG:
            return {"type covered", "algorithm", "labels", "original TTL", "expiration", "inception",
                    "key tag", "signer name", "signature"};
        case rrtype::NSEC: return {"next name", "type list"};
        case rrtype::DNSKEY: case rrtype::CDNSKEY: return {"flags", "protocol", "algorithm", "public key"};
        case rrtype::NSEC3: return {"hash algorithm", "flags", "iterations", "salt", "next hashed owner", "type list"};
        case rrtype::NSEC3PARAM: return {"hash algorithm", "flags", "iterations", "salt"};
        case rrtype::TLSA: case 53: return {"usage", "selector", "matching type", "certificate data"};
        case rrtype::SVCB: case rrtype::HTTPS: return {"priority", "target", "parameters"};
        case rrtype::CAA: return {"flags", "tag", "value"};
        case 63: return {"serial", "scheme", "hash algorithm", "digest"};  // ZONEMD
        case 29: return {"location"};                                       // LOC
        default: return {};
    }
}

std::string field_name(std::uint16_t type, std::size_t index) {
    auto names = field_names(type);
    if (type == rrtype::TXT || type == 99) return "string " + std::to_string(index + 1);
    if (index < names.size()) return names[index];
    return "field " + std::to_string(index + 1);
}

const char* kind_of(ldns_rdf_type type) {
    switch (type) {
        case LDNS_RDF_TYPE_DNAME: return "domain name";
        case LDNS_RDF_TYPE_INT8: case LDNS_RDF_TYPE_INT16: case LDNS_RDF_TYPE_INT32:
        case LDNS_RDF_TYPE_CERTIFICATE_USAGE: case LDNS_RDF_TYPE_SELECTOR: case LDNS_RDF_TYPE_MATCHING_TYPE:
            return "number";
        case LDNS_RDF_TYPE_A: return "IPv4 address";
        case LDNS_RDF_TYPE_AAAA: return "IPv6 address";
        case LDNS_RDF_TYPE_STR: return "character string";
        case LDNS_RDF_TYPE_B64: return "base64";
        case LDNS_RDF_TYPE_B32_EXT: case LDNS_RDF_TYPE_NSEC3_NEXT_OWNER: return "base32";
        case LDNS_RDF_TYPE_HEX: return "hex";
        case LDNS_RDF_TYPE_NSEC: return "type list";
        case LDNS_RDF_TYPE_TYPE: return "type";
        case LDNS_RDF_TYPE_CLASS: return "class";
        case LDNS_RDF_TYPE_CERT_ALG: case LDNS_RDF_TYPE_ALG: return "algorithm";
        case LDNS_RDF_TYPE_TIME: return "time (YYYYMMDDHHmmSS)";
        case LDNS_RDF_TYPE_PERIOD: return "time period";
        case LDNS_RDF_TYPE_NSEC3_SALT: return "salt (hex or -)";
        case LDNS_RDF_TYPE_LOC: return "location";
        case LDNS_RDF_TYPE_TAG: return "tag";
        case LDNS_RDF_TYPE_LONG_STR: return "string";
        case LDNS_RDF_TYPE_SVCPARAMS: return "service parameters";
        default: return "value";
    }
}

// Fields ldns reads as the rest of the line (when last) or in several tokens.
bool is_multi_token(ldns_rdf_type type) {
    switch (type) {
        case LDNS_RDF_TYPE_B64: case LDNS_RDF_TYPE_HEX: case LDNS_RDF_TYPE_NSEC: case LDNS_RDF_TYPE_LOC:
        case LDNS_RDF_TYPE_WKS: case LDNS_RDF_TYPE_IPSECKEY: case LDNS_RDF_TYPE_AMTRELAY:
        case LDNS_RDF_TYPE_SVCPARAMS: case LDNS_RDF_TYPE_HIP:
            return true;
        default:
            return false;
    }
}

// ---- Native parsers for the hot types -------------------------------------

bool all_digits(std::string_view text) {
    if (text.empty() || text.size() > 10) return false;
    for (char c : text)
        if (c < '0' || c > '9') return false;
    return true;
}

std::optional<std::uint64_t> plain_number(const Token& token) {
    if (token.quoted || !all_digits(token.text)) return std::nullopt;
    std::uint64_t value = 0;
    for (char c : token.text) value = value * 10 + static_cast<unsigned>(c - '0');
    return value;
}

[[noreturn]] void out_of_range(std::uint16_t type, std::size_t field, std::string_view text, std::uint64_t max) {
    throw Error(type_to_text(type) + " " + field_name(type, field) + " " + std::string(text) + " out of range (0.." +
                std::to_string(max) + ")");
}

// A number for an INTn field; nullopt hands the token to ldns (which knows
// other spellings); a plain number that does not fit is an error here,
// because ldns would silently truncate it.
std::optional<std::uint32_t> native_int(std::uint16_t type, std::size_t field, const Token& token, std::uint64_t max) {
    auto value = plain_number(token);
    if (!value) return std::nullopt;
    if (*value > max) out_of_range(type, field, token.text, max);
    return static_cast<std::uint32_t>(*value);
}

bool is_absolute_text(std::string_view text) {
    if (text.empty() || text.back() != '.') return false;
    std::size_t backslashes = 0;
    for (std::size_t i = text.size() - 1; i > 0 && text[i - 1] == '\\'; --i) ++backslashes;
    return backslashes % 2 == 0;
}

void append_name(std::uint16_t type, std::size_t field, const Token& token, const Wire& origin, Wire& out) {
    try {
        if (origin.empty() && !is_absolute_text(token.text))
            throw Error("relative name '" + std::string(token.text) + "' but no origin is known");
        Wire name = name_from_text(token.text, origin);
        lowercase_name(name);
        out += name;
    } catch (const Error& e) {
        throw Error(type_to_text(type) + " " + field_name(type, field) + ": " + e.what());
    }
}

// Character string (RFC 1035 §5.1): escapes \X and \DDD (the lexer has
// checked that \DDD has three digits and is at most 255).
bool decode_character_string(const Token& token, std::string& out) {
    out.clear();
    std::string_view text = token.text;
    for (std::size_t i = 0; i < text.size(); ++i) {
        char c = text[i];
        if (c == '\\' && i + 1 < text.size()) {
            char d = text[i + 1];
            if (d >= '0' && d <= '9') {
                if (i + 3 >= text.size()) return false;
                out += static_cast<char>((d - '0') * 100 + (text[i + 2] - '0') * 10 + (text[i + 3] - '0'));
                i += 3;
            } else {
                out += d;
                i += 1;
            }
        } else if (c == '"' && !token.quoted) {
            return false;  // ldns' own reading of stray quotes wins
        } else {
            out += c;
        }
    }
    return true;
}

std::string decoded_length_error(std::uint16_t type) {
    return type_to_text(type) + " string longer than 255 octets";
}

}  // namespace

bool RdataParser::parse_native(std::uint16_t type, const Token* tokens, std::size_t count, const Wire& origin,
                               Wire& out) {
    switch (type) {
        case rrtype::A: {
            if (count != 1 || tokens[0].quoted) return false;
            char buffer[INET_ADDRSTRLEN];
            if (tokens[0].text.size() >= sizeof buffer) return false;
            tokens[0].text.copy(buffer, tokens[0].text.size());
            buffer[tokens[0].text.size()] = '\0';
            unsigned char address[4];
            if (inet_pton(AF_INET, buffer, address) != 1) return false;
            out.assign(reinterpret_cast<const char*>(address), 4);
            return true;
        }
        case rrtype::AAAA: {
            if (count != 1 || tokens[0].quoted) return false;
            char buffer[INET6_ADDRSTRLEN];
            if (tokens[0].text.size() >= sizeof buffer) return false;
            tokens[0].text.copy(buffer, tokens[0].text.size());
            buffer[tokens[0].text.size()] = '\0';
            unsigned char address[16];
            if (inet_pton(AF_INET6, buffer, address) != 1) return false;
            out.assign(reinterpret_cast<const char*>(address), 16);
            return true;
        }
        case rrtype::NS: case rrtype::CNAME: case rrtype::PTR: case rrtype::DNAME: {
            if (count != 1 || tokens[0].quoted || tokens[0].text == "\\#") return false;
            out.clear();
            append_name(type, 0, tokens[0], origin, out);
            return true;
        }
        case rrtype::MX: {
            if (count != 2 || tokens[1].quoted) return false;
            auto preference = native_int(type, 0, tokens[0], 0xffff);
            if (!preference) return false;
            out.clear();
            put_u16(out, static_cast<std::uint16_t>(*preference));
            append_name(type, 1, tokens[1], origin, out);
            return true;
        }
        case rrtype::SRV: {
            if (count != 4 || tokens[3].quoted) return false;
            out.clear();
            for (std::size_t i = 0; i < 3; ++i) {
                auto value = native_int(type, i, tokens[i], 0xffff);
                if (!value) return false;
                put_u16(out, static_cast<std::uint16_t>(*value));
            }
            append_name(type, 3, tokens[3], origin, out);
            return true;
        }
        case rrtype::TXT: {
            if (count == 0 || (!tokens[0].quoted && tokens[0].text == "\\#")) return false;
            out.clear();
            std::string decoded;
            for (std::size_t i = 0; i < count; ++i) {
                if (!decode_character_string(tokens[i], decoded)) return false;
                if (decoded.size() > 255) throw Error(decoded_length_error(type));
                put_u8(out, static_cast<std::uint8_t>(decoded.size()));
                out += decoded;
            }
            return true;
        }
        case rrtype::DS: case rrtype::CDS: {
            // Key tag, algorithm, digest type as plain numbers (mnemonics go
            // to ldns), then the digest in hex, possibly split by blanks.
            if (count < 4) return false;
            out.clear();
            auto tag = native_int(type, 0, tokens[0], 0xffff);
            auto algorithm = native_int(type, 1, tokens[1], 0xff);
            auto digest_type = native_int(type, 2, tokens[2], 0xff);
            if (!tag || !algorithm || !digest_type) return false;
            put_u16(out, static_cast<std::uint16_t>(*tag));
            put_u8(out, static_cast<std::uint8_t>(*algorithm));
            put_u8(out, static_cast<std::uint8_t>(*digest_type));
            std::size_t digits = 0;
            for (std::size_t i = 3; i < count; ++i) {
                if (tokens[i].quoted) return false;
                for (char c : tokens[i].text) {
                    int v = (c >= '0' && c <= '9') ? c - '0'
                            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
                                                     : -1;
                    if (v < 0) return false;  // ldns names the problem
                    if (digits++ % 2 == 0)
                        out.push_back(static_cast<char>(v << 4));
                    else
                        out.back() = static_cast<char>(out.back() | v);
                }
            }
            return digits > 0 && digits % 2 == 0;
        }
        default:
            return false;
    }
}

const ldns_rdf* RdataParser::origin_rdf(std::uint32_t origin_index) {
    LdnsRdf& slot = origin_rdfs_[origin_index];
    if (!slot) {
        const Wire& origin = origins_[origin_index];
        Wire wire = origin.empty() ? Wire(1, '\0') : origin;
        slot.reset(ldns_rdf_new_frm_data(LDNS_RDF_TYPE_DNAME, wire.size(), wire.data()));
        if (!slot) throw Error("out of memory");
    }
    return slot.get();
}

namespace {

// RFC 3597 "\# <length> <hex>", for types ldns has no format for.
Wire parse_unknown(std::uint16_t type, const Token* tokens, std::size_t count) {
    std::string name = type_to_text(type);
    if (count == 0 || tokens[0].quoted || tokens[0].text != "\\#")
        throw Error("type " + name + " is unknown: its RDATA must be in RFC 3597 form (\\# length hex)");
    if (count < 2) throw Error(name + " \\# form: missing RDATA length");
    auto length = plain_number(tokens[1]);
    if (!length || *length > 65535) throw Error(name + " \\# form: bad RDATA length '" + std::string(tokens[1].text) + "'");
    std::string hex;
    for (std::size_t i = 2; i < count; ++i) hex += tokens[i].text;
    auto data = from_hex(hex);
    if (!data) throw Error("bad hex in " + name + " \\# RDATA");
    if (data->size() != *length)
        throw Error(name + " \\# form: length " + std::to_string(*length) + " but " + std::to_string(data->size()) +
                    " octets of data");
    return Wire(data->begin(), data->end());
}

// Walks the descriptor's fields with the tokens while each field is one
// token, calling visit(field index, field type, token).
template <typename Visit>
void for_each_single_token_field(std::uint16_t type, const Token* tokens, std::size_t count, Visit visit) {
    const ldns_rr_descriptor* desc = ldns_rr_descript(type);
    std::size_t max = ldns_rr_descriptor_maximum(desc);
    for (std::size_t i = 0; i < count && i < max; ++i) {
        ldns_rdf_type field_type = ldns_rr_descriptor_field_type(desc, i);
        if (is_multi_token(field_type)) return;
        if (!visit(i, field_type, tokens[i])) return;
    }
}

std::string token_text(const Token& token) { return std::string(token.text); }

// Explains why ldns refused the RDATA: finds the first field that does not
// parse on its own.
std::string diagnose(std::uint16_t type, const Token* tokens, std::size_t count, ldns_status status) {
    const std::string name = type_to_text(type);
    if (status == LDNS_STATUS_SYNTAX_MISSING_VALUE_ERR) return "missing RDATA fields for " + name;
    if (status == LDNS_STATUS_SYNTAX_SUPERFLUOUS_TEXT_ERR) return "too many RDATA fields for " + name;
    std::string found;
    const ldns_rr_descriptor* desc = ldns_rr_descript(type);
    std::size_t max = ldns_rr_descriptor_maximum(desc);
    std::size_t checked = 0;
    for_each_single_token_field(type, tokens, count, [&](std::size_t i, ldns_rdf_type field_type, const Token& token) {
        checked = i + 1;
        if (field_type == LDNS_RDF_TYPE_STR) {
            std::string decoded;
            if (decode_character_string(token, decoded) && decoded.size() > 255) {
                found = decoded_length_error(type);
                return false;
            }
        }
        LdnsRdf rdf(ldns_rdf_new_frm_str(field_type, token_text(token).c_str()));
        if (!rdf) {
            found = "bad " + std::string(kind_of(field_type)) + " in " + name + " " + field_name(type, i) + " '" +
                    token_text(token) + "'";
            return false;
        }
        return true;
    });
    if (found.empty() && checked < count && checked < max) {
        // The remaining tokens form the last, multi-token field.
        ldns_rdf_type field_type = ldns_rr_descriptor_field_type(desc, checked);
        if (is_multi_token(field_type) && checked + 1 == max) {
            std::string rest;
            for (std::size_t i = checked; i < count; ++i) {
                if (!rest.empty()) rest += ' ';
                rest += tokens[i].text;
            }
            LdnsRdf rdf(ldns_rdf_new_frm_str(field_type, rest.c_str()));
            if (!rdf) found = "bad " + std::string(kind_of(field_type)) + " in " + name + " " + field_name(type, checked);
        }
    }
    if (!found.empty()) return found;
    return "bad " + name + " RDATA: " + ldns_get_errorstr_by_id(status);
}

}  // namespace

Wire RdataParser::parse(std::uint16_t type, const Token* tokens, std::size_t count, std::uint32_t origin_index) {
    Wire out;
    if (parse_native(type, tokens, count, origins_[origin_index], out)) {
        if (out.size() > 65535) throw Error(type_to_text(type) + " RDATA longer than 65535 octets");
        return out;
    }
    return parse_with_ldns(type, tokens, count, origin_index);
}

Wire RdataParser::parse_with_ldns(std::uint16_t type, const Token* tokens, std::size_t count,
                                  std::uint32_t origin_index) {
    if (!is_known_type(type)) return parse_unknown(type, tokens, count);
    bool rfc3597 = count > 0 && !tokens[0].quoted && tokens[0].text == "\\#";
    if (!rfc3597) {
        // ldns truncates numbers that do not fit their field; refuse them here.
        for_each_single_token_field(type, tokens, count, [&](std::size_t i, ldns_rdf_type field_type, const Token& token) {
            std::uint64_t max = 0;
            switch (field_type) {
                case LDNS_RDF_TYPE_INT8: case LDNS_RDF_TYPE_ALG: case LDNS_RDF_TYPE_CERTIFICATE_USAGE:
                case LDNS_RDF_TYPE_SELECTOR: case LDNS_RDF_TYPE_MATCHING_TYPE:
                    max = 0xff;
                    break;
                case LDNS_RDF_TYPE_INT16: max = 0xffff; break;
                case LDNS_RDF_TYPE_INT32: max = 0xffffffff; break;
                default: break;
            }
            if (max != 0) {
                auto value = plain_number(token);
                if (value && *value > max) out_of_range(type, i, token.text, max);
            }
            return true;
        });
    }

    text_.assign(". 0 IN ");
    text_ += type_to_text(type);
    for (std::size_t i = 0; i < count; ++i) {
        text_ += ' ';
        // ldns 1.8.3 refuses the unquoted CAA value that RFC 8659 §4.1.1
        // allows (ldns issue #254): hand it over quoted.
        bool quote = tokens[i].quoted || (type == rrtype::CAA && i == 2 && count == 3 &&
                                          tokens[i].text.find('"') == std::string_view::npos);
        if (quote) text_ += '"';
        text_ += tokens[i].text;
        if (quote) text_ += '"';
    }
    ldns_rr* raw = nullptr;
    ldns_status status = ldns_rr_new_frm_str(&raw, text_.c_str(), 0, origin_rdf(origin_index), nullptr);
    LdnsRr rr(raw);
    if (status != LDNS_STATUS_OK || !rr) throw Error(diagnose(type, tokens, count, status));
    if (ldns_rr_get_type(rr.get()) != type) throw Error("ldns read " + type_to_text(type) + " as another type");
    ldns_rr2canonical(rr.get());
    Wire out;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
        const ldns_rdf* rdf = ldns_rr_rdf(rr.get(), i);
        out.append(reinterpret_cast<const char*>(ldns_rdf_data(rdf)), ldns_rdf_size(rdf));
    }
    if (out.size() > 65535) throw Error(type_to_text(type) + " RDATA longer than 65535 octets");
    return out;
}

}  // namespace zs::zone
