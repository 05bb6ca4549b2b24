#include "zone/conversion_pipeline.hpp"

#include <algorithm>
#include <limits>

#include "common/error.hpp"
#include "zone/name.hpp"
#include "zone/rdata_parser.hpp"

namespace zs::zone {

namespace {

bool is_absolute_name_text(std::string_view text) {
    if (text == "@") return false;
    if (text.empty() || text.back() != '.') return false;
    std::size_t backslashes = 0;
    for (std::size_t i = text.size() - 1; i > 0 && text[i - 1] == '\\'; --i) ++backslashes;
    return backslashes % 2 == 0;
}

Wire parse_owner(std::string_view text, const Wire& origin) {
    try {
        if (origin.empty() && !is_absolute_name_text(text))
            throw Error("relative name '" + std::string(text) + "' but no origin is known");
        Wire owner = name_from_text(text, origin);
        lowercase_name(owner);
        return owner;
    } catch (const Error& e) {
        throw Error(std::string("owner name: ") + e.what());
    }
}

}  // namespace

ConvertedBatch convert_batch(LexedBatch&& batch, bool share_owners) {
    ConvertedBatch out;
    try {
        out.new_files = std::move(batch.new_files);
        out.records.reserve(batch.entries.size());
        RdataParser parser(batch.origins);
        // Entries of one owner share one owner_text view (see LexedBatch).
        Wire owner;
        const char* owner_text = nullptr;
        std::uint32_t owner_origin = std::numeric_limits<std::uint32_t>::max();
        for (const Entry& entry : batch.entries) {
            try {
                bool same_owner = true;
                if (entry.owner_text.data() != owner_text || entry.origin_index != owner_origin) {
                    owner_text = nullptr;
                    owner = parse_owner(entry.owner_text, batch.origins[entry.origin_index]);
                    owner_text = entry.owner_text.data();
                    owner_origin = entry.origin_index;
                    same_owner = false;
                }
                ParsedRecord record;
                record.rdata =
                    parser.parse(entry.type, batch.tokens.data() + entry.first_token, entry.token_count, entry.origin_index);
                if (share_owners && same_owner && !out.records.empty())
                    record.owner_as_previous = true;
                else
                    record.owner = owner;
                record.type = entry.type;
                record.rclass = 1;
                record.ttl = entry.ttl;
                record.file_index = entry.file_index;
                record.line = entry.line;
                out.records.push_back(std::move(record));
            } catch (const Error& e) {
                out.failed = true;
                out.failed_file = entry.file_index;
                out.failed_line = entry.line;
                out.failed_what = e.what();
                break;
            }
        }
    } catch (...) {
        out.failed = true;
        out.failed_other = std::current_exception();
    }
    return out;
}

ConversionPipeline::ConversionPipeline(unsigned workers, std::size_t max_in_flight, Deliver deliver,
                                       bool share_owners)
    : deliver_(std::move(deliver)), max_in_flight_(std::max<std::size_t>(max_in_flight, 1)),
      share_owners_(share_owners) {
    workers_.reserve(workers);
    try {
        for (unsigned i = 0; i < workers; ++i) workers_.emplace_back([this] { work(); });
        if (workers > 0) deliverer_ = std::thread([this] { deliver_in_order(); });
    } catch (...) {
        stop();
        throw;
    }
}

ConversionPipeline::~ConversionPipeline() { stop(); }

void ConversionPipeline::stop() {
    {
        std::lock_guard lock(mutex_);
        stopping_ = true;
    }
    work_ready_.notify_all();
    converted_.notify_all();
    for (auto& worker : workers_)
        if (worker.joinable()) worker.join();
    if (deliverer_.joinable()) deliverer_.join();
}

void ConversionPipeline::work() {
    std::unique_lock lock(mutex_);
    for (;;) {
        work_ready_.wait(lock, [this] { return stopping_ || !waiting_.empty(); });
        if (stopping_) return;
        auto [sequence, batch] = std::move(waiting_.front());
        waiting_.pop_front();
        lock.unlock();
        ConvertedBatch converted = convert_batch(std::move(batch), share_owners_);
        lock.lock();
        done_.emplace(sequence, std::move(converted));
        converted_.notify_all();
    }
}

void ConversionPipeline::deliver_in_order() {
    std::unique_lock lock(mutex_);
    for (;;) {
        converted_.wait(lock, [this] { return stopping_ || done_.count(next_delivered_) != 0; });
        if (stopping_) return;  // undelivered batches are dropped
        auto node = done_.extract(next_delivered_);
        lock.unlock();
        std::exception_ptr error;
        try {
            deliver_(node.mapped());
        } catch (...) {
            error = std::current_exception();
        }
        lock.lock();
        ++next_delivered_;
        if (error) delivery_error_ = error;
        delivered_.notify_all();
        if (error) return;  // nothing after a failed delivery is delivered
    }
}

void ConversionPipeline::wait_for_delivery(std::unique_lock<std::mutex>& lock, std::size_t keep) {
    delivered_.wait(lock, [this, keep] { return delivery_error_ || next_submitted_ - next_delivered_ < keep; });
    if (delivery_error_) {
        failed_ = true;
        std::rethrow_exception(delivery_error_);
    }
}

void ConversionPipeline::submit(LexedBatch&& batch) {
    if (failed_) return;
    if (workers_.empty()) {
        ConvertedBatch converted = convert_batch(std::move(batch), share_owners_);
        failed_ = true;  // until the delivery returns
        deliver_(converted);
        failed_ = false;
        return;
    }
    std::unique_lock lock(mutex_);
    waiting_.emplace_back(next_submitted_++, std::move(batch));
    work_ready_.notify_one();
    wait_for_delivery(lock, max_in_flight_);
}

void ConversionPipeline::finish() {
    if (failed_ || workers_.empty()) return;
    std::unique_lock lock(mutex_);
    wait_for_delivery(lock, 1);
}

}  // namespace zs::zone
