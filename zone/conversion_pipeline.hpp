// Second and third stages of reading a master file: lexed batches become
// records in worker threads, and a delivery thread hands them on in file
// order. The calling thread only submits batches (from the lexer): lexing
// is the one stage that cannot be split, so nothing else runs on its thread
// (grouping records into the zone took a third of it). At most
// `max_in_flight` batches exist between submission and delivery, which
// bounds memory.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "zone/master_file.hpp"
#include "zone/master_lexer.hpp"

namespace zs::zone {

struct ConvertedBatch {
    std::vector<ParsedRecord> records;   // the entries before the first failure, if any
    std::vector<std::string> new_files;  // as in LexedBatch
    // The first entry that failed: either an Error to be reported as
    // InputError(files[failed_file], failed_line, failed_what) once the file
    // names are known, or any other exception.
    bool failed = false;
    std::uint32_t failed_file = 0;
    std::uint32_t failed_line = 0;
    std::string failed_what;
    std::exception_ptr failed_other;
};

// Converts one batch; never throws for a bad entry (see ConvertedBatch).
// share_owners: see MasterFileOptions.
ConvertedBatch convert_batch(LexedBatch&& batch, bool share_owners = false);

class ConversionPipeline {
public:
    // Called for each batch, in order, on the delivery thread (on the
    // submitting thread when there are no workers). An exception from it
    // marks the pipeline failed and is rethrown by submit or finish on the
    // submitting thread.
    using Deliver = std::function<void(ConvertedBatch& batch)>;

    // workers == 0: each batch is converted and delivered inside submit.
    ConversionPipeline(unsigned workers, std::size_t max_in_flight, Deliver deliver, bool share_owners = false);
    ~ConversionPipeline();  // stops and joins the workers; undelivered batches are dropped
    ConversionPipeline(const ConversionPipeline&) = delete;
    ConversionPipeline& operator=(const ConversionPipeline&) = delete;

    // Queues a batch; waits while too many are in flight.
    void submit(LexedBatch&& batch);
    // Waits until everything submitted is delivered.
    void finish();
    // A delivery threw: nothing more must be submitted or delivered.
    bool failed() const { return failed_; }

private:
    void stop();
    void work();
    void deliver_in_order();
    // With the lock held by `lock`: waits until fewer than `keep` batches
    // are undelivered, or a delivery failed (then rethrows its exception).
    void wait_for_delivery(std::unique_lock<std::mutex>& lock, std::size_t keep);

    Deliver deliver_;
    std::size_t max_in_flight_;
    bool share_owners_;
    bool failed_ = false;

    std::mutex mutex_;
    std::condition_variable work_ready_;
    std::condition_variable converted_;
    std::condition_variable delivered_;
    std::exception_ptr delivery_error_;
    bool stopping_ = false;
    std::uint64_t next_submitted_ = 0;
    std::uint64_t next_delivered_ = 0;
    std::deque<std::pair<std::uint64_t, LexedBatch>> waiting_;
    std::map<std::uint64_t, ConvertedBatch> done_;
    std::vector<std::thread> workers_;
    std::thread deliverer_;
};

}  // namespace zs::zone
