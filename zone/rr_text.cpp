// Presentation format, one RR per line. The types that fill a signed zone
// have native formatters (no allocation per field, no locale, no time(NULL));
// every other type goes through ldns' formatter. Each produces text that
// reads back to the same wire (tests check both the text against ldns and
// the round trip). RDATA that does not parse as its type is written in the
// RFC 3597 form, which always reads back to the same octets.
#include "zone/rr_text.hpp"

#include <arpa/inet.h>

#include "common/encoding.hpp"
#include "zone/ldns_raii.hpp"
#include "zone/rr_type.hpp"

namespace zs::zone {

namespace {

void append_uint(std::string& out, std::uint64_t value) {
    char buffer[24];
    char* end = buffer + sizeof buffer;
    char* p = end;
    do {
        *--p = static_cast<char>('0' + value % 10);
        value /= 10;
    } while (value != 0);
    out.append(p, static_cast<std::size_t>(end - p));
}

void append_ddd(std::string& out, unsigned char c) {
    out += '\\';
    out += static_cast<char>('0' + c / 100);
    out += static_cast<char>('0' + c / 10 % 10);
    out += static_cast<char>('0' + c % 10);
}

// Bounds-checked reader over RDATA; every get fails softly so the caller can
// fall back to the RFC 3597 form.
struct Reader {
    const Wire& data;
    std::size_t pos = 0;
    bool ok = true;

    bool has(std::size_t n) const { return ok && data.size() - pos >= n; }
    std::uint32_t u8() {
        if (!has(1)) return ok = false, 0;
        return get_u8(data, pos++);
    }
    std::uint32_t u16() {
        if (!has(2)) return ok = false, 0;
        pos += 2;
        return get_u16(data, pos - 2);
    }
    std::uint32_t u32() {
        if (!has(4)) return ok = false, 0;
        pos += 4;
        return get_u32(data, pos - 4);
    }
    bool at_end() const { return ok && pos == data.size(); }

    // Name in presentation form; same escapes as name_to_text (ldns' set plus
    // '"', '@' and '$', so an owner can never be read as a directive).
    void name(std::string& out) {
        std::size_t start = pos;
        bool first = true;
        for (;;) {
            if (!has(1)) return void(ok = false);
            std::uint8_t len = get_u8(data, pos++);
            if (len == 0) break;
            if (len > 63 || !has(len) || pos - start + len > 255) return void(ok = false);
            // Runs of plain characters go in one append.
            std::size_t run = pos;
            for (std::size_t i = pos; i < pos + len; ++i) {
                auto c = static_cast<unsigned char>(data[i]);
                bool special = c == '.' || c == '\\' || c == '(' || c == ')' || c == ';' || c == '"' || c == '@' ||
                               c == '$';
                if (!special && c > 0x20 && c < 0x7f) continue;
                out.append(data, run, i - run);
                run = i + 1;
                if (special) {
                    out += '\\';
                    out += static_cast<char>(c);
                } else {
                    append_ddd(out, c);
                }
            }
            out.append(data, run, pos + len - run);
            out += '.';
            pos += len;
            first = false;
        }
        if (first) out += '.';
    }

    void character_string(std::string& out) {
        std::uint32_t len = u8();
        if (!has(len)) return void(ok = false);
        out += '"';
        std::size_t run = pos;
        for (std::size_t i = pos; i < pos + len; ++i) {
            auto c = static_cast<unsigned char>(data[i]);
            bool special = c == '"' || c == '\\';
            if (!special && c >= 0x20 && c < 0x7f) continue;
            out.append(data, run, i - run);
            run = i + 1;
            if (special) {
                out += '\\';
                out += static_cast<char>(c);
            } else {
                append_ddd(out, c);  // also tab: output lines are tab-separated
            }
        }
        out.append(data, run, pos + len - run);
        out += '"';
        pos += len;
    }

    std::string_view rest() {
        std::string_view view(data.data() + pos, data.size() - pos);
        pos = data.size();
        return view;
    }
};

// RRSIG times as YYYYMMDDHHmmSS (RFC 4034 §3.2), UTC, from days since 1970
// by the civil-from-days calendar conversion (no gmtime, no locale).
void append_time(std::string& out, std::uint32_t seconds) {
    std::int64_t days = seconds / 86400;
    std::uint32_t rest = seconds % 86400;
    days += 719468;
    std::int64_t era = days / 146097;
    auto doe = static_cast<unsigned>(days - era * 146097);
    unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    std::int64_t year = static_cast<std::int64_t>(yoe) + era * 400;
    unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    unsigned mp = (5 * doy + 2) / 153;
    unsigned day = doy - (153 * mp + 2) / 5 + 1;
    unsigned month = mp < 10 ? mp + 3 : mp - 9;
    if (month <= 2) ++year;
    char buffer[15];
    auto two = [&](char* p, unsigned v) {
        p[0] = static_cast<char>('0' + v / 10);
        p[1] = static_cast<char>('0' + v % 10);
    };
    auto y = static_cast<unsigned>(year);
    two(buffer, y / 100);
    two(buffer + 2, y % 100);
    two(buffer + 4, month);
    two(buffer + 6, day);
    two(buffer + 8, rest / 3600);
    two(buffer + 10, rest / 60 % 60);
    two(buffer + 12, rest % 60);
    out.append(buffer, 14);
}

void append_type_bitmap(std::string& out, Reader& in) {
    int last_window = -1;
    while (in.ok && !in.at_end()) {
        std::uint32_t window = in.u8();
        std::uint32_t len = in.u8();
        if (!in.ok || len == 0 || len > 32 || static_cast<int>(window) <= last_window || !in.has(len))
            return void(in.ok = false);
        last_window = static_cast<int>(window);
        for (std::uint32_t i = 0; i < len; ++i) {
            auto bits = static_cast<unsigned char>(in.data[in.pos + i]);
            for (unsigned bit = 0; bit < 8; ++bit) {
                if (bits & (0x80 >> bit)) {
                    out += ' ';
                    out += type_to_text(static_cast<std::uint16_t>(window * 256 + i * 8 + bit));
                }
            }
        }
        in.pos += len;
    }
}

void append_rfc3597(std::string& out, const Wire& rdata) {
    out += "\\# ";
    append_uint(out, rdata.size());
    if (!rdata.empty()) {
        out += ' ';
        out += to_hex(rdata);
    }
}

// Native formatters; false means "not this type or malformed".
bool append_native(std::string& out, std::uint16_t type, const Wire& rdata) {
    Reader in{rdata};
    switch (type) {
        case rrtype::A: {
            if (rdata.size() != 4) return false;
            for (int i = 0; i < 4; ++i) {
                if (i) out += '.';
                append_uint(out, get_u8(rdata, static_cast<std::size_t>(i)));
            }
            return true;
        }
        case rrtype::AAAA: {
            if (rdata.size() != 16) return false;
            char buffer[INET6_ADDRSTRLEN];
            if (!inet_ntop(AF_INET6, rdata.data(), buffer, sizeof buffer)) return false;
            out += buffer;
            return true;
        }
        case rrtype::NS: case rrtype::CNAME: case rrtype::PTR: case rrtype::DNAME:
            in.name(out);
            return in.at_end();
        case rrtype::MX:
            append_uint(out, in.u16());
            out += ' ';
            in.name(out);
            return in.at_end();
        case rrtype::TXT:
            if (rdata.empty()) return false;
            while (in.ok && !in.at_end()) {
                if (in.pos) out += ' ';
                in.character_string(out);
            }
            return in.at_end();
        case rrtype::SOA:
            in.name(out);
            out += ' ';
            in.name(out);
            for (int i = 0; i < 5; ++i) {
                out += ' ';
                append_uint(out, in.u32());
            }
            return in.at_end();
        case rrtype::DS: case rrtype::CDS: {
            append_uint(out, in.u16());
            out += ' ';
            append_uint(out, in.u8());
            out += ' ';
            append_uint(out, in.u8());
            if (!in.ok || in.at_end()) return false;
            out += ' ';
            out += to_hex(in.rest());
            return true;
        }
        case rrtype::DNSKEY: case rrtype::CDNSKEY: {
            append_uint(out, in.u16());
            out += ' ';
            append_uint(out, in.u8());
            out += ' ';
            append_uint(out, in.u8());
            if (!in.ok || in.at_end()) return false;
            out += ' ';
            out += to_base64(in.rest());
            return true;
        }
        case rrtype::RRSIG: {
            std::uint32_t covered = in.u16();
            if (!in.ok) return false;
            out += type_to_text(static_cast<std::uint16_t>(covered));
            out += ' ';
            append_uint(out, in.u8());
            out += ' ';
            append_uint(out, in.u8());
            out += ' ';
            append_uint(out, in.u32());
            out += ' ';
            append_time(out, in.u32());
            out += ' ';
            append_time(out, in.u32());
            out += ' ';
            append_uint(out, in.u16());
            out += ' ';
            in.name(out);
            if (!in.ok || in.at_end()) return false;
            out += ' ';
            out += to_base64(in.rest());
            return true;
        }
        case rrtype::NSEC:
            in.name(out);
            append_type_bitmap(out, in);
            return in.at_end();
        case rrtype::NSEC3: case rrtype::NSEC3PARAM: {
            append_uint(out, in.u8());
            out += ' ';
            append_uint(out, in.u8());
            out += ' ';
            append_uint(out, in.u16());
            out += ' ';
            std::uint32_t salt_length = in.u8();
            if (!in.has(salt_length)) return false;
            if (salt_length == 0) {
                out += '-';
            } else {
                out += to_hex(std::string_view(rdata.data() + in.pos, salt_length));
                in.pos += salt_length;
            }
            if (type == rrtype::NSEC3PARAM) return in.at_end();
            std::uint32_t hash_length = in.u8();
            if (!in.has(hash_length) || hash_length == 0) return false;
            out += ' ';
            out += to_base32hex(rdata.data() + in.pos, hash_length);
            in.pos += hash_length;
            append_type_bitmap(out, in);
            return in.at_end();
        }
        default:
            return false;
    }
}

// Any type ldns knows, through its own formatter.
bool append_with_ldns(std::string& out, std::uint16_t type, const Wire& rdata) {
    if (!is_known_type(type) || rdata.empty()) return false;
    LdnsRr rr(ldns_rr_new());
    if (!rr) return false;
    ldns_rr_set_type(rr.get(), static_cast<ldns_rr_type>(type));
    Wire wire;
    put_u16(wire, static_cast<std::uint16_t>(rdata.size()));
    wire += rdata;
    std::size_t pos = 0;
    if (ldns_wire2rdf(rr.get(), reinterpret_cast<const std::uint8_t*>(wire.data()), wire.size(), &pos) !=
            LDNS_STATUS_OK ||
        pos != wire.size() || ldns_rr_rd_count(rr.get()) == 0 ||
        ldns_rr_rd_count(rr.get()) < ldns_rr_descriptor_minimum(ldns_rr_descript(type)))
        return false;
    LdnsBuffer buffer(ldns_buffer_new(256));
    if (!buffer) return false;
    for (std::size_t i = 0; i < ldns_rr_rd_count(rr.get()); ++i) {
        if (i) ldns_buffer_printf(buffer.get(), " ");
        if (ldns_rdf2buffer_str(buffer.get(), ldns_rr_rdf(rr.get(), i)) != LDNS_STATUS_OK) return false;
    }
    if (ldns_buffer_status(buffer.get()) != LDNS_STATUS_OK) return false;
    std::string_view text(reinterpret_cast<const char*>(ldns_buffer_begin(buffer.get())),
                          ldns_buffer_position(buffer.get()));
    while (!text.empty() && text.back() == ' ') text.remove_suffix(1);  // NSEC-style lists end in a space
    if (text.empty() || text.find('\n') != std::string_view::npos) return false;
    out += text;
    return true;
}

void append_rdata_text(std::string& out, std::uint16_t type, const Wire& rdata) {
    std::size_t mark = out.size();
    if (append_native(out, type, rdata)) return;
    out.resize(mark);
    if (append_with_ldns(out, type, rdata)) return;
    out.resize(mark);
    append_rfc3597(out, rdata);
}

}  // namespace

void append_rr_text(std::string& out, const Wire& owner, std::uint16_t type, std::uint16_t rclass, std::uint32_t ttl,
                    const Wire& rdata) {
    Reader owner_reader{owner};
    owner_reader.name(out);
    out += '\t';
    append_uint(out, ttl);
    if (rclass == class_IN) {
        out += "\tIN\t";
    } else {
        out += "\tCLASS";
        append_uint(out, rclass);
        out += '\t';
    }
    out += type_to_text(type);
    out += '\t';
    append_rdata_text(out, type, rdata);
    out += '\n';
}

std::string rdata_to_text(std::uint16_t type, const Wire& rdata) {
    std::string out;
    append_rdata_text(out, type, rdata);
    return out;
}

}  // namespace zs::zone
