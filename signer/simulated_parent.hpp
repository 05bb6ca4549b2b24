// The parent zone as the rollover simulator (and `plan`) models it: the
// zone submits the DS set it wants (OUTPUT.ds); the parent publishes the
// latest submitted set a fixed delay later and the operator then records
// what changed (`key ds-seen` for DS that appeared, `key ds-gone` for DS
// that went). Pure: no clock, no database.
//
// A lying mode for tests: after the parent has published its first DS set,
// later submissions are confirmed (ds-seen/ds-gone recorded) but the parent
// keeps serving its old set -- a DS confirmed for the wrong key, which the
// validator model must catch.
#pragma once

#include <optional>
#include <vector>

#include "common/time_format.hpp"
#include "zone/wire.hpp"

namespace zs::signer {

class SimulatedParent {
public:
    // delay: from a submission to publication (and confirmation).
    explicit SimulatedParent(Seconds delay, bool confirm_without_publishing = false)
        : delay_(delay), lie_(confirm_without_publishing) {}

    // The zone wants this DS set (RDATA, any order) as of `now`. A set equal
    // to the last one submitted changes nothing; a different one replaces
    // any submission still pending and is due `delay` from now.
    void submit(std::vector<zone::Wire> wanted, UnixTime now);

    // When the pending submission is due; unset if none.
    std::optional<UnixTime> due() const;

    // What happened at the parent when a due submission was processed.
    struct Change {
        std::vector<zone::Wire> appeared;  // DS to confirm with ds-seen
        std::vector<zone::Wire> went;      // DS to confirm with ds-gone
        bool published = false;            // the served set changed
    };
    // Processes the pending submission if due at `now`.
    std::optional<Change> advance(UnixTime now);

    // The DS set the parent serves (sorted); empty: no DS, the zone is
    // insecure.
    const std::vector<zone::Wire>& served() const { return served_; }
    bool has_published() const { return published_once_; }

private:
    Seconds delay_;
    bool lie_;
    std::vector<zone::Wire> submitted_;  // last set submitted (sorted)
    bool submitted_once_ = false;
    std::optional<std::vector<zone::Wire>> pending_;
    UnixTime pending_due_ = 0;
    std::vector<zone::Wire> confirmed_;  // what the operator was told the parent has
    std::vector<zone::Wire> served_;
    bool published_once_ = false;
};

}  // namespace zs::signer
