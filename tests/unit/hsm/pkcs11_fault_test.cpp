// The PKCS#11 signer under faults a real token cannot be told to produce on
// cue: lost sessions, a removed device, a lost login, a locked PIN, a
// corrupted signature, permanent errors. Each test has its own SoftHSMv2
// token behind the zs_pkcs11_shim module (tests/pkcs11_shim/pkcs11_shim.c),
// which forwards every call and injects the faults its plan names. Every
// signature is verified in software with nothing but the public key.
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <p11-kit-1/p11-kit/pkcs11.h>

#include "hsm/pkcs11_signer.hpp"
#include "softhsm_token.hpp"

namespace zs::hsm {
namespace {

using testing::kSoftHsmModule;
using testing::kUserPin;
using testing::SoftHsmToken;
using testing::verify_signature;

Bytes bytes_of(const std::string& s) { return Bytes(s.begin(), s.end()); }

// A SoftHSMv2 token reached through the shim. The shim reads its
// environment when the module is initialised, i.e. when the test's first
// signer loads it; the control file's plan is read again whenever the file
// changes.
class Pkcs11Fault : public ::testing::Test {
protected:
    Pkcs11Fault()
        : log_path_(token_.directory() + "/shim.log"), control_path_(token_.directory() + "/shim.plan") {
        ::setenv("ZS_SHIM_MODULE", kSoftHsmModule, 1);
        ::setenv("ZS_SHIM_LOG", log_path_.c_str(), 1);
        ::setenv("ZS_SHIM_CONTROL", control_path_.c_str(), 1);
        ::unsetenv("ZS_SHIM_FAULTS");
    }
    ~Pkcs11Fault() override {
        for (const char* name : {"ZS_SHIM_MODULE", "ZS_SHIM_LOG", "ZS_SHIM_CONTROL", "ZS_SHIM_FAULTS"})
            ::unsetenv(name);
    }

    Pkcs11Options options(const std::string& pin = kUserPin) const {
        Pkcs11Options o = token_.options(pin);
        o.module_path = ZS_PKCS11_SHIM;
        return o;
    }

    // The plan the shim starts with (read when the module is initialised).
    void plan_at_load(const std::string& rules) { ::setenv("ZS_SHIM_FAULTS", rules.c_str(), 1); }

    // Replaces the running plan; the shim's call counters start again. The
    // file is replaced by rename so that the shim sees a new file (inode)
    // even if two plans are written within one mtime tick.
    void plan(const std::string& rules) {
        const std::string temporary = control_path_ + ".new";
        std::ofstream(temporary) << rules << "\n";
        std::filesystem::rename(temporary, control_path_);
    }

    // The shim's log lines that start with `prefix`.
    std::vector<std::string> log_lines(const std::string& prefix) const {
        std::vector<std::string> lines;
        std::ifstream log(log_path_);
        for (std::string line; std::getline(log, line);)
            if (line.rfind(prefix, 0) == 0) lines.push_back(line);
        return lines;
    }

    SoftHsmToken token_;
    std::string log_path_;
    std::string control_path_;
};

// Signs `count` distinct messages with the key in each of `threads`
// threads, each with its own context, and counts those that verify.
struct RunResult {
    int verified = 0;
    int not_verified = 0;
    std::vector<std::string> errors;
};

RunResult sign_and_verify(Pkcs11Signer& signer, const KeyId& id, int threads, int count) {
    const Bytes spki = signer.public_key(id);
    std::atomic<int> verified{0}, not_verified{0};
    std::mutex errors_mutex;
    RunResult result;
    std::vector<std::thread> workers;
    for (int t = 0; t < threads; ++t)
        workers.emplace_back([&, t] {
            try {
                auto context = signer.open_signing(id, SignScheme::EcdsaSha256);
                for (int i = 0; i < count; ++i) {
                    const Bytes message = bytes_of("thread " + std::to_string(t) + " message " + std::to_string(i));
                    const Bytes signature = context->sign(message.data(), message.size());
                    (verify_signature(spki, SignScheme::EcdsaSha256, message, signature) ? verified : not_verified)++;
                }
            } catch (const std::exception& e) {
                std::lock_guard lock(errors_mutex);
                result.errors.push_back(e.what());
            }
        });
    for (auto& w : workers) w.join();
    result.verified = verified;
    result.not_verified = not_verified;
    return result;
}

TEST_F(Pkcs11Fault, ShimWithoutAPlanForwardsEverything) {
    Pkcs11Signer signer("hsm", options());
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    RunResult run = sign_and_verify(signer, "01", 1, 20);
    EXPECT_EQ(run.verified, 20);
    EXPECT_TRUE(run.errors.empty()) << run.errors.front();
    EXPECT_EQ(log_lines("C_Login"), std::vector<std::string>{"C_Login user=1 rv=CKR_OK"});
    EXPECT_TRUE(log_lines("inject").empty());
    EXPECT_TRUE(log_lines("bad rule").empty());
}

// The token drops every session (and with them the login) while two
// threads sign: both recover on new, logged-in sessions.
TEST_F(Pkcs11Fault, SessionLossMidRunEndsWithEverySignatureVerified) {
    auto o = options();
    o.max_sessions = 2;
    Pkcs11Signer signer("hsm", std::move(o));
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    plan("close-all C_Sign after 500");

    RunResult run = sign_and_verify(signer, "01", 2, 1000);
    EXPECT_TRUE(run.errors.empty()) << run.errors.front();
    EXPECT_EQ(run.verified, 2000);
    EXPECT_EQ(run.not_verified, 0);
    EXPECT_EQ(log_lines("inject").size(), 1u);
    EXPECT_GE(signer.stats().retries, 1u);
    RecordProperty("retries", std::to_string(signer.stats().retries));
    // Logged in again after the loss; every login went through the shim.
    const auto logins = log_lines("C_Login");
    EXPECT_GE(logins.size(), 2u);
    EXPECT_EQ(logins.size(), signer.stats().login_calls);
    for (const auto& line : logins) EXPECT_EQ(line, "C_Login user=1 rv=CKR_OK");
    RecordProperty("logins", std::to_string(logins.size()));
}

TEST_F(Pkcs11Fault, DeviceRemovalIsRetriedAndEverySignatureVerifies) {
    Pkcs11Signer signer("hsm", options());
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    plan("fail C_SignInit after 100 with CKR_DEVICE_REMOVED count 3");

    RunResult run = sign_and_verify(signer, "01", 1, 300);
    EXPECT_TRUE(run.errors.empty()) << run.errors.front();
    EXPECT_EQ(run.verified, 300);
    EXPECT_EQ(log_lines("inject C_SignInit").size(), 3u);
    EXPECT_EQ(signer.stats().retries, 3u);
    // Each fault closed the pool's only session, the last one of the
    // application on the token, which ends its login (PKCS#11 C_CloseSession):
    // one login again per fault.
    EXPECT_EQ(log_lines("C_Login").size(), 1u + 3u);
}

TEST_F(Pkcs11Fault, LostLoginIsRestoredOnce) {
    Pkcs11Signer signer("hsm", options());
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    plan("logout C_Sign after 50");

    RunResult run = sign_and_verify(signer, "01", 1, 100);
    EXPECT_TRUE(run.errors.empty()) << run.errors.front();
    EXPECT_EQ(run.verified, 100);
    EXPECT_EQ(signer.stats().retries, 1u);
    EXPECT_EQ(log_lines("C_Login").size(), 2u);
}

// A fault that outlasts the retry time limit ends the operation with an
// error that says which signer, operation, key and code; the signer works
// again once the fault is gone.
TEST_F(Pkcs11Fault, PersistentFaultFailsCleanlyAfterTheRetryTimeLimit) {
    auto o = options();
    o.retry_time_limit = std::chrono::milliseconds(2000);
    Pkcs11Signer signer("hsm", std::move(o));
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    auto context = signer.open_signing("01", SignScheme::EcdsaSha256);
    plan("fail C_SignInit with CKR_DEVICE_ERROR count forever");

    std::string error;
    unsigned long rv = CKR_OK;
    try {
        context->sign("x", 1);
    } catch (const Pkcs11Error& e) {
        error = e.what();
        rv = e.rv();
    }
    EXPECT_EQ(rv, CKR_DEVICE_ERROR) << error;
    EXPECT_NE(error.find("signer 'hsm': sign key 01: C_SignInit: CKR_DEVICE_ERROR; gave up after"),
              std::string::npos)
        << error;
    EXPECT_GT(signer.stats().retries, 1u);

    plan("");
    const Bytes message = bytes_of("after the fault");
    EXPECT_TRUE(verify_signature(signer.public_key("01"), SignScheme::EcdsaSha256, message,
                                 context->sign(message.data(), message.size())));
}

TEST_F(Pkcs11Fault, WrongPinCausesExactlyOneLogin) {
    std::string error;
    try {
        Pkcs11Signer signer("hsm", options("0000"));
    } catch (const SignerError& e) {
        error = e.what();
    }
    EXPECT_NE(error.find("CKR_PIN_INCORRECT"), std::string::npos) << error;
    EXPECT_NE(error.find("signer 'hsm'"), std::string::npos) << error;
    EXPECT_EQ(log_lines("C_Login"), std::vector<std::string>{"C_Login user=1 rv=CKR_PIN_INCORRECT"});
}

TEST_F(Pkcs11Fault, LockedPinIsReportedAsSuchAfterOneLogin) {
    plan_at_load("fail C_Login with CKR_PIN_LOCKED count forever");
    std::string error;
    try {
        Pkcs11Signer signer("hsm", options());
    } catch (const SignerError& e) {
        error = e.what();
    }
    EXPECT_NE(error.find("PIN locked (CKR_PIN_LOCKED)"), std::string::npos) << error;
    EXPECT_EQ(log_lines("C_Login"), std::vector<std::string>{"C_Login user=1 rv=CKR_PIN_LOCKED"});
}

// The signer cannot tell a corrupted signature from a good one (it checks
// only the size); software verification with the public key can, which is
// why the signing pipeline verifies before it publishes.
TEST_F(Pkcs11Fault, CorruptedSignatureIsReturnedAndFailsVerification) {
    Pkcs11Signer signer("hsm", options());
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    const Bytes spki = signer.public_key("01");
    auto context = signer.open_signing("01", SignScheme::EcdsaSha256);
    plan("corrupt C_Sign after 10 count 1");

    std::vector<int> failing;
    for (int i = 0; i < 20; ++i) {
        const Bytes message = bytes_of("message " + std::to_string(i));
        const Bytes signature = context->sign(message.data(), message.size());
        EXPECT_EQ(signature.size(), 64u);
        if (!verify_signature(spki, SignScheme::EcdsaSha256, message, signature)) failing.push_back(i);
    }
    EXPECT_EQ(failing, std::vector<int>{10}) << "only the 11th signature was corrupted";
    EXPECT_EQ(log_lines("inject C_Sign").size(), 1u);
    EXPECT_EQ(signer.stats().retries, 0u);
}

TEST_F(Pkcs11Fault, PermanentErrorIsNotRetried) {
    Pkcs11Signer signer("hsm", options());
    signer.generate_key("01", {KeyType::EcP256, 0}, "");
    auto context = signer.open_signing("01", SignScheme::EcdsaSha256);
    plan("fail C_Sign with CKR_KEY_FUNCTION_NOT_PERMITTED count forever");

    std::string error;
    unsigned long rv = CKR_OK;
    try {
        context->sign("x", 1);
    } catch (const Pkcs11Error& e) {
        error = e.what();
        rv = e.rv();
    }
    EXPECT_EQ(rv, CKR_KEY_FUNCTION_NOT_PERMITTED) << error;
    EXPECT_NE(error.find("signer 'hsm': sign key 01: C_Sign: CKR_KEY_FUNCTION_NOT_PERMITTED"), std::string::npos)
        << error;
    EXPECT_EQ(log_lines("inject C_Sign").size(), 1u) << "C_Sign was called once";
    EXPECT_EQ(signer.stats().retries, 0u);
}

}  // namespace
}  // namespace zs::hsm
