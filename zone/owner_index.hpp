// Finds a node by its owner name while a zone is built. The owner is stored
// only once, in its Node: the table holds node positions (and a few bits of
// each owner's hash to skip most comparisons), open addressing, linear
// probing, at most half full.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "zone/zone_model.hpp"

namespace zs::zone {

class OwnerIndex {
public:
    static constexpr std::uint32_t none = 0xffffffff;

    explicit OwnerIndex(const std::vector<Node>& nodes) : nodes_(nodes) {}

    static std::uint64_t hash(std::string_view owner) { return std::hash<std::string_view>{}(owner); }

    // Position in `nodes` of the node owning `owner` (whose hash is `h`), or none.
    std::uint32_t find(std::string_view owner, std::uint64_t h) const {
        if (slots_.empty()) return none;
        const std::size_t mask = slots_.size() - 1;
        const auto tag = static_cast<std::uint32_t>(h >> 32);
        for (std::size_t i = h & mask;; i = (i + 1) & mask) {
            std::uint64_t slot = slots_[i];
            if (slot == 0) return none;
            auto node = static_cast<std::uint32_t>(slot) - 1;
            if (static_cast<std::uint32_t>(slot >> 32) == tag && nodes_[node].owner == owner) return node;
        }
    }

    // Adds nodes[node], whose owner is not in the index yet.
    void insert(std::uint32_t node, std::uint64_t h) {
        if ((count_ + 1) * 2 > slots_.size()) grow();
        place(node, h);
        ++count_;
    }

    // Frees the table (the index is not needed once the zone is read).
    void release() {
        slots_ = {};
        count_ = 0;
    }

private:
    void place(std::uint32_t node, std::uint64_t h) {
        const std::size_t mask = slots_.size() - 1;
        std::size_t i = h & mask;
        while (slots_[i] != 0) i = (i + 1) & mask;
        slots_[i] = (h >> 32) << 32 | (static_cast<std::uint64_t>(node) + 1);
    }

    void grow() {
        std::vector<std::uint64_t> old = std::move(slots_);
        slots_.assign(old.empty() ? 64 : old.size() * 2, 0);
        for (std::uint64_t slot : old) {
            if (slot == 0) continue;
            auto node = static_cast<std::uint32_t>(slot) - 1;
            place(node, hash(nodes_[node].owner));
        }
    }

    const std::vector<Node>& nodes_;
    std::vector<std::uint64_t> slots_;  // hash high bits << 32 | node + 1; 0 = empty
    std::size_t count_ = 0;
};

}  // namespace zs::zone
