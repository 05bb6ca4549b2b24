#include "signer/worker_pool.hpp"

#include <algorithm>

namespace zs::signer {

WorkerPool::WorkerPool(unsigned threads) {
    threads = std::max(1u, threads);
    for (unsigned i = 1; i < threads; ++i) threads_.emplace_back([this, i] { work(i); });
}

WorkerPool::~WorkerPool() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    start_.notify_all();
    for (auto& t : threads_) t.join();
}

void WorkerPool::drain(unsigned worker) {
    for (;;) {
        std::size_t begin;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (failure_ || next_ >= count_) return;
            begin = next_;
            next_ = std::min(count_, next_ + chunk_);
        }
        try {
            (*body_)(begin, std::min(count_, begin + chunk_), worker);
        } catch (...) {
            std::lock_guard<std::mutex> lock(mutex_);
            if (!failure_) failure_ = std::current_exception();
            return;
        }
    }
}

void WorkerPool::work(unsigned worker) {
    unsigned seen = 0;
    for (;;) {
        {
            std::unique_lock<std::mutex> lock(mutex_);
            start_.wait(lock, [&] { return stopping_ || generation_ != seen; });
            if (stopping_) return;
            seen = generation_;
        }
        drain(worker);
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (--busy_ == 0) done_.notify_all();
        }
    }
}

void WorkerPool::run(std::size_t count, std::size_t chunk, const Body& body) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        body_ = &body;
        count_ = count;
        chunk_ = std::max<std::size_t>(1, chunk);
        next_ = 0;
        failure_ = nullptr;
        busy_ = static_cast<unsigned>(threads_.size());
        ++generation_;
    }
    start_.notify_all();
    drain(0);
    std::exception_ptr failure;
    {
        std::unique_lock<std::mutex> lock(mutex_);
        done_.wait(lock, [&] { return busy_ == 0; });
        failure = failure_;
        body_ = nullptr;
    }
    if (failure) std::rethrow_exception(failure);
}

}  // namespace zs::signer
