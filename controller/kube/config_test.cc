#include "controller/kube/config.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include <gtest/gtest.h>

namespace domainguard::kube {
namespace {

using namespace std::chrono_literals;

// "hello" / "key-bytes" in base64.
constexpr const char* kKubeconfig = R"(
apiVersion: v1
kind: Config
current-context: admin@bed
contexts:
- name: admin@bed
  context: {cluster: bed, user: admin, namespace: web}
- name: exec@bed
  context: {cluster: bed, user: exec-user}
- name: dangling
  context: {cluster: nowhere, user: admin}
- name: data@bed
  context: {cluster: bed-data, user: cert-user}
clusters:
- name: bed
  cluster: {server: "https://127.0.0.1:16443/", certificate-authority: pki/ca.crt}
- name: bed-data
  cluster: {server: "https://127.0.0.1:16443", certificate-authority-data: aGVsbG8=}
- name: insecure
  cluster: {server: "https://127.0.0.1:16443", insecure-skip-tls-verify: true}
users:
- name: admin
  user: {token: s3cret, tokenFile: tok}
- name: exec-user
  user: {exec: {command: aws, apiVersion: client.authentication.k8s.io/v1}}
- name: cert-user
  user: {client-certificate-data: aGVsbG8=, client-key-data: a2V5LWJ5dGVz}
)";

TEST(Kubeconfig, CurrentContextWithTokenAndRelativeFiles) {
  auto c = ParseKubeconfig(kKubeconfig, "/etc/dg");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->server, "https://127.0.0.1:16443");
  EXPECT_EQ(c->tls.ca_file, "/etc/dg/pki/ca.crt");
  EXPECT_EQ(c->token, "s3cret");
  EXPECT_EQ(c->token_file, "/etc/dg/tok");
  EXPECT_EQ(c->namespace_name, "web");
}

TEST(Kubeconfig, InlineDataStaysInMemory) {
  auto c = ParseKubeconfig(kKubeconfig, "/etc/dg", "data@bed");
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->tls.ca_pem, "hello");
  EXPECT_EQ(c->tls.client_cert_pem, "hello");
  EXPECT_EQ(c->tls.client_key_pem, "key-bytes");
  EXPECT_TRUE(c->tls.ca_file.empty());
  EXPECT_TRUE(c->tls.client_key_file.empty());
  EXPECT_EQ(c->namespace_name, "default");
}

TEST(Kubeconfig, UnsupportedAndMissingAreClearErrors) {
  auto exec = ParseKubeconfig(kKubeconfig, "", "exec@bed");
  ASSERT_FALSE(exec.ok());
  EXPECT_EQ(exec.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(exec.error().message.find("exec credential plugin"), std::string::npos);

  auto missing = ParseKubeconfig(kKubeconfig, "", "nope");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().code, ErrorCode::kNotFound) << missing.error().ToString();

  auto dangling = ParseKubeconfig(kKubeconfig, "", "dangling");
  ASSERT_FALSE(dangling.ok());
  EXPECT_NE(dangling.error().message.find("nowhere"), std::string::npos);

  auto garbage = ParseKubeconfig("{{{", "");
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.error().code, ErrorCode::kInvalidArgument);

  auto in = ParseKubeconfig(
      "current-context: x\ncontexts: [{name: x, context: {cluster: c}}]\n"
      "clusters: [{name: c, cluster: {server: 'https://a', insecure-skip-tls-verify: true}}]\n",
      "");
  ASSERT_FALSE(in.ok());
  EXPECT_NE(in.error().message.find("insecure-skip-tls-verify"), std::string::npos);
}

TEST(Kubeconfig, SecretsNeverInErrors) {
  auto r = ParseKubeconfig(
      "current-context: x\ncontexts: [{name: x, context: {cluster: c, user: u}}]\n"
      "clusters: [{name: c, cluster: {server: 'https://a'}}]\n"
      "users: [{name: u, user: {token: topsecret, client-certificate-data: '!!!'}}]\n",
      "");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().message.find("topsecret"), std::string::npos);
}

TEST(InClusterConfig, ReadsServiceAccount) {
  char dir[] = "/tmp/dg-sa-XXXXXX";
  ASSERT_NE(mkdtemp(dir), nullptr);
  std::string d = dir;
  std::ofstream(d + "/token") << "tok\n";
  std::ofstream(d + "/ca.crt") << "ca";
  std::ofstream(d + "/namespace") << "domainguard-system";
  auto env = [](const char* name) -> const char* {
    std::string n = name;
    if (n == "KUBERNETES_SERVICE_HOST") return "10.96.0.1";
    if (n == "KUBERNETES_SERVICE_PORT") return "443";
    return nullptr;
  };
  auto c = LoadInClusterConfig(d, env);
  ASSERT_TRUE(c.ok()) << c.error().ToString();
  EXPECT_EQ(c->server, "https://10.96.0.1:443");
  EXPECT_EQ(c->token_file, d + "/token");
  EXPECT_EQ(c->namespace_name, "domainguard-system");
  auto none = LoadInClusterConfig(d, [](const char*) -> const char* { return nullptr; });
  ASSERT_FALSE(none.ok());
  EXPECT_EQ(none.error().code, ErrorCode::kNotFound);
  std::filesystem::remove_all(d);
}

TEST(TokenSource, RereadsRotatedFileAtMostEveryRecheckOrAfterInvalidate) {
  char path[] = "/tmp/dg-token-XXXXXX";
  int fd = mkstemp(path);
  ASSERT_GE(fd, 0);
  close(fd);
  std::ofstream(path) << "first\n";
  FakeClock clock;
  TokenSource ts("", path, clock, 60s);
  EXPECT_EQ(ts.Token().value(), "first");

  // Rotate with a distinct mtime.
  std::ofstream(path) << "second\n";
  struct timespec times[2] = {{0, UTIME_OMIT}, {1000, 0}};
  utimensat(AT_FDCWD, path, times, 0);
  clock.Advance(30s);
  EXPECT_EQ(ts.Token().value(), "first");  // within the recheck interval
  clock.Advance(31s);
  EXPECT_EQ(ts.Token().value(), "second");

  std::ofstream(path) << "third\n";
  struct timespec times2[2] = {{0, UTIME_OMIT}, {2000, 0}};
  utimensat(AT_FDCWD, path, times2, 0);
  EXPECT_EQ(ts.Token().value(), "second");
  ts.Invalidate();  // a 401 was seen
  EXPECT_EQ(ts.Token().value(), "third");

  // Emptied mid-write: keep the last good token.
  std::ofstream(path, std::ios::trunc).flush();
  ts.Invalidate();
  EXPECT_EQ(ts.Token().value(), "third");
  unlink(path);
}

TEST(Base64, DecodesStdAndRejectsGarbage) {
  EXPECT_EQ(DecodeBase64("aGVsbG8=").value(), "hello");
  EXPECT_EQ(DecodeBase64("aGVs\nbG8").value(), "hello");
  EXPECT_FALSE(DecodeBase64("a$b").ok());
  EXPECT_FALSE(DecodeBase64("a").ok());
}

}  // namespace
}  // namespace domainguard::kube
