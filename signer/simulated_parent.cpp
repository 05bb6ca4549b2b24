#include "signer/simulated_parent.hpp"

#include <algorithm>

namespace zs::signer {

void SimulatedParent::submit(std::vector<zone::Wire> wanted, UnixTime now) {
    std::sort(wanted.begin(), wanted.end());
    wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
    if (submitted_once_ && wanted == submitted_) return;
    submitted_once_ = true;
    submitted_ = wanted;
    pending_ = std::move(wanted);
    pending_due_ = now + delay_;
}

std::optional<UnixTime> SimulatedParent::due() const {
    if (!pending_) return std::nullopt;
    return pending_due_;
}

std::optional<SimulatedParent::Change> SimulatedParent::advance(UnixTime now) {
    if (!pending_ || now < pending_due_) return std::nullopt;
    std::vector<zone::Wire> next = std::move(*pending_);
    pending_.reset();
    Change change;
    std::set_difference(next.begin(), next.end(), confirmed_.begin(), confirmed_.end(),
                        std::back_inserter(change.appeared));
    std::set_difference(confirmed_.begin(), confirmed_.end(), next.begin(), next.end(),
                        std::back_inserter(change.went));
    confirmed_ = next;
    const bool serve = !(lie_ && published_once_);
    if (serve && next != served_) {
        served_ = std::move(next);
        change.published = true;
        if (!served_.empty()) published_once_ = true;
    }
    return change;
}

}  // namespace zs::signer
