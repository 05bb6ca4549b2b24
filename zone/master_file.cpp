// Reading a master file in three overlapping stages:
//  1. master_scanner + master_lexer, on the calling thread: the file is read
//     block by block; directives, $INCLUDE, parentheses, comments, quotes,
//     owner inheritance and TTL defaults; out come batches of entries that
//     own their text;
//  2. conversion_pipeline: options.threads workers turn batches into records
//     (rdata_parser), at most 2 x threads batches in flight;
//  3. the calling thread receives converted batches in file order and hands
//     them to the sink.
// Memory therefore depends on the batch and block sizes, not the file size.
//
// TTL of a record written without one (no warning is printed for any case):
//  - $TTL, if one is in effect (RFC 2308 §4);
//  - else the last TTL written explicitly on a record (RFC 1035 §5.1);
//  - else the MINIMUM of the SOA read so far, the SOA itself included (what
//    BIND does for zone files without $TTL);
//  - else options.default_ttl.
// An included file starts with its parent's origin and TTL defaults; what it
// changes does not leak back into the parent.
#include "zone/master_file.hpp"

#include "common/error.hpp"
#include "zone/conversion_pipeline.hpp"
#include "zone/master_lexer.hpp"

namespace zs::zone {

namespace {

template <typename Lex>
void stream(const MasterFileOptions& options, std::vector<std::string>& files, const RecordSink& sink, Lex lex) {
    files.clear();
    auto deliver = [&files, &sink](ConvertedBatch& batch) {
        for (auto& file : batch.new_files) files.push_back(std::move(file));
        if (!batch.records.empty()) sink(batch.records);
        if (batch.failed_other) std::rethrow_exception(batch.failed_other);
        if (batch.failed) throw InputError(files.at(batch.failed_file), batch.failed_line, batch.failed_what);
    };
    unsigned workers = options.threads <= 1 ? 0 : options.threads;
    ConversionPipeline pipeline(workers, 2 * std::max(workers, 1u), deliver, options.share_owners);
    std::exception_ptr lexing_error;
    try {
        lex([&pipeline](LexedBatch&& batch) { pipeline.submit(std::move(batch)); });
    } catch (...) {
        if (pipeline.failed()) throw;  // an error delivered in file order, or the sink's own
        lexing_error = std::current_exception();
    }
    // The entries before a lexing error may hold an earlier error.
    pipeline.finish();
    if (lexing_error) std::rethrow_exception(lexing_error);
}

}  // namespace

void stream_master_file(const std::string& path, const MasterFileOptions& options, std::vector<std::string>& files,
                        const RecordSink& sink) {
    stream(options, files, sink,
           [&](const LexedBatchSink& batches) { lex_master_file_stream(path, options, batches); });
}

void stream_master_text(const std::string& text, const std::string& name, const MasterFileOptions& options,
                        std::vector<std::string>& files, const RecordSink& sink) {
    stream(options, files, sink,
           [&](const LexedBatchSink& batches) { lex_master_text_stream(text, name, options, batches); });
}

MasterFile read_master_file(const std::string& path, const MasterFileOptions& options) {
    MasterFile result;
    stream_master_file(path, options, result.files, [&result](std::vector<ParsedRecord>& batch) {
        result.records.insert(result.records.end(), std::make_move_iterator(batch.begin()),
                              std::make_move_iterator(batch.end()));
    });
    return result;
}

MasterFile read_master_text(const std::string& text, const std::string& name, const MasterFileOptions& options) {
    MasterFile result;
    stream_master_text(text, name, options, result.files, [&result](std::vector<ParsedRecord>& batch) {
        result.records.insert(result.records.end(), std::make_move_iterator(batch.begin()),
                              std::make_move_iterator(batch.end()));
    });
    return result;
}

}  // namespace zs::zone
