// Drives the checks of a signed zone; each part lives in its own verify_*.cpp.
#include "zone/zone_verifier.hpp"

#include <algorithm>

#include "zone/verify_internal.hpp"

namespace zs::zone {

VerifyReport verify_zone(const Zone& zone, const VerifyOptions& options) {
    VerifyReport report;
    verify::Problems problems(report.problems, options.max_problems);
    if (zone.nodes.empty() || zone.apex().owner != zone.origin) {
        problems.add(zone.origin, rrtype::SOA, "the zone has no apex node");
        return report;
    }
    const verify::ApexKeys keys = verify::check_apex(zone, options, problems);
    const auto jobs = verify::check_signatures(zone, keys, options, problems, report);

    const bool has_nsec = std::any_of(zone.nodes.begin(), zone.nodes.end(),
                                      [](const Node& n) { return n.find(rrtype::NSEC) != nullptr; });
    const bool has_nsec3 = !zone.nsec3_nodes.empty() || zone.apex().find(rrtype::NSEC3PARAM) != nullptr ||
                           std::any_of(zone.nodes.begin(), zone.nodes.end(),
                                       [](const Node& n) { return n.find(rrtype::NSEC3) != nullptr; });
    const bool has_soa = zone.apex().find(rrtype::SOA) != nullptr;
    if (has_nsec && has_nsec3)
        problems.add(zone.origin, rrtype::NSEC, "the zone has both NSEC and NSEC3 records");
    else if (!has_nsec && !has_nsec3)
        problems.add(zone.origin, rrtype::NSEC, "no denial of existence records (neither NSEC nor NSEC3)");
    else if (has_soa && has_nsec)  // the TTL rule needs the SOA, reported missing already
        verify::check_nsec_chain(zone, problems);
    else if (has_soa)
        verify::check_nsec3_chain(zone, options, problems);

    verify::verify_signatures(zone, keys, jobs, options, problems, report);
    return report;
}

}  // namespace zs::zone
