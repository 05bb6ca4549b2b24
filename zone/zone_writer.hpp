// The signed zone in presentation format: canonical order (RFC 4034 §6.1),
// one RR per line, each RRset followed by its RRSIGs. Formatting runs in
// parallel over chunks of names; output is handed to `sink` in order.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "zone/zone_model.hpp"

namespace zs::zone {

using TextSink = std::function<void(std::string_view)>;

void write_zone_text(const Zone& zone, const TextSink& sink, unsigned threads);

// Appends the text of one node (SOA first at the apex, then RRsets by type,
// each followed by its RRSIGs).
void append_node_text(std::string& out, const Node& node, std::uint16_t rclass);

// All nodes (ordinary and NSEC3) in canonical order.
std::vector<const Node*> nodes_in_canonical_order(const Zone& zone);

}  // namespace zs::zone
