// A fixed set of worker threads that run one parallel loop at a time:
// run() hands out chunks of [0, count) and returns when all are done,
// rethrowing the first exception a worker raised. Workers keep their index
// across runs, so per-thread state (signing contexts) can be kept by index.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <exception>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace zs::signer {

class WorkerPool {
public:
    using Body = std::function<void(std::size_t begin, std::size_t end, unsigned worker)>;

    explicit WorkerPool(unsigned threads);
    ~WorkerPool();
    WorkerPool(const WorkerPool&) = delete;
    WorkerPool& operator=(const WorkerPool&) = delete;

    unsigned size() const { return static_cast<unsigned>(threads_.size()) + 1; }
    // The calling thread works too, as worker 0.
    void run(std::size_t count, std::size_t chunk, const Body& body);

private:
    void work(unsigned worker);
    void drain(unsigned worker);

    std::vector<std::thread> threads_;
    std::mutex mutex_;
    std::condition_variable start_, done_;
    const Body* body_ = nullptr;
    std::size_t count_ = 0, chunk_ = 1, next_ = 0;
    unsigned generation_ = 0, busy_ = 0;
    bool stopping_ = false;
    std::exception_ptr failure_;
};

}  // namespace zs::signer
