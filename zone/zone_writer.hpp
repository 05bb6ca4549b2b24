// The signed zone in presentation format: canonical order (RFC 4034 §6.1),
// one RR per line, each RRset followed by its RRSIGs. The signing pipeline
// formats window by window with these pieces.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include "zone/zone_model.hpp"

namespace zs::zone {

using TextSink = std::function<void(std::string_view)>;

// Appends the text of one node (SOA first at the apex, then RRsets by type,
// each followed by its RRSIGs).
void append_node_text(std::string& out, const Node& node, std::uint16_t rclass);

// All nodes (ordinary and NSEC3) in canonical order.
std::vector<const Node*> nodes_in_canonical_order(const Zone& zone);

}  // namespace zs::zone
