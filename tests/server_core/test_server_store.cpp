// core/store: job store (SQLite WAL) and token store (hashed tokens, constant-time compare,
// revoke, token ids), result files and the storage a token's results take.
#include "core/store/database.h"
#include "core/store/job_store.h"
#include "core/store/token_store.h"
#include "core/util/clock.h"
#include "core/util/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>
#include <sstream>

#include "tests/test_main.h"

namespace test_server_store {

using namespace sciagents::core;
using namespace sciagents::core::store;

class TestServerStore : public QObject {
  Q_OBJECT

  QTemporaryDir m_dir;
  std::filesystem::path file(const char* name) { return m_dir.filePath(name).toStdString(); }

  static JobRecord job(const std::string& id, const std::string& owner, std::int64_t created) {
    JobRecord r;
    r.id = id;
    r.owner = owner;
    r.owner_id = "id-" + owner;  // jobs belong to a token id (lists filter on it)
    r.name = "wf-" + id;
    r.spec = R"({"sciagents":1,"steps":[]})";
    r.created_us = created;
    r.steps_total = 2;
    return r;
  }

 private slots:
  void jobLifecycleIsPersisted() {
    const auto f = file("jobs.db");
    {
      JobStore s(f);
      s.insert(job("a", "alice", 100));
      s.insert(job("b", "bob", 200));
      s.markRunning("a", 150);
      s.finish("a", JobState::Succeeded, 300, "", R"({"sciagents_result":1})", 2);
    }
    JobStore s(f);  // reopened: everything is on disk
    auto a = s.get("a");
    QVERIFY(a.has_value());
    QCOMPARE(a->state, JobState::Succeeded);
    QCOMPARE(a->started_us.value(), std::int64_t{150});
    QCOMPARE(a->finished_us.value(), std::int64_t{300});
    QCOMPARE(a->steps_done, std::int64_t{2});
    QVERIFY(a->has_result);
    QCOMPARE(s.result("a").value(), std::string(R"({"sciagents_result":1})"));
    QVERIFY(!s.result("b").has_value());
    QVERIFY(!s.get("zzz").has_value());
    QCOMPARE(s.get("b")->state, JobState::Queued);
    QVERIFY(!s.get("b")->started_us.has_value());
  }

  void listFiltersAndOrders() {
    JobStore s(":memory:");
    s.insert(job("1", "alice", 10));
    s.insert(job("2", "bob", 20));
    s.insert(job("3", "alice", 30));
    s.markRunning("3", 31);
    auto all = s.list("", std::nullopt, 0);
    QCOMPARE(all.size(), std::size_t{3});
    QCOMPARE(all[0].id, std::string("3"));  // newest first
    QCOMPARE(all[2].id, std::string("1"));
    auto alice = s.list("id-alice", std::nullopt, 0);
    QCOMPARE(alice.size(), std::size_t{2});
    auto running = s.list("", JobState::Running, 0);
    QCOMPARE(running.size(), std::size_t{1});
    QCOMPARE(running[0].id, std::string("3"));
    QCOMPARE(s.list("", std::nullopt, 1).size(), std::size_t{1});
    auto queued = s.inState(JobState::Queued);
    QCOMPARE(queued.size(), std::size_t{2});
    QCOMPARE(queued[0].id, std::string("1"));  // oldest first
    auto counts = s.countByState();
    QCOMPARE(counts[JobState::Queued], std::int64_t{2});
    QCOMPARE(counts[JobState::Running], std::int64_t{1});
  }

  void requeueClearsProgressAndResult() {
    JobStore s(":memory:");
    s.insert(job("x", "a", 1));
    s.markRunning("x", 2);
    s.setProgress("x", 1);
    s.requeue("x");
    auto x = s.get("x");
    QCOMPARE(x->state, JobState::Queued);
    QVERIFY(!x->started_us);
    QCOMPARE(x->steps_done, std::int64_t{0});
  }

  void slurmJobIsKeptAcrossRequeueAndReopen() {
    const auto f = file("slurm-jobs.db");
    {
      JobStore s(f);
      JobRecord r = job("s", "a", 1);
      r.backend = "slurm";
      r.backend_options = R"({"tasks":4})";
      s.insert(r);
      s.insert(job("l", "a", 2));
      s.markRunning("s", 2);
      s.setBackendJob("s", "1234", "/shared/slurm/s");
      s.requeue("s");  // a restart re-attaches: the Slurm job must still be known
    }
    JobStore s(f);
    const auto rows = s.inState(JobState::Queued);
    QCOMPARE(rows.size(), std::size_t{2});
    QCOMPARE(rows[0].backend, std::string("slurm"));
    QCOMPARE(rows[0].backend_options, std::string(R"({"tasks":4})"));
    QCOMPARE(rows[0].backend_job_id, std::string("1234"));
    QCOMPARE(rows[0].backend_dir, std::string("/shared/slurm/s"));
    QCOMPARE(rows[1].backend, std::string("local"));
    QVERIFY(rows[1].backend_dir.empty());
    QCOMPARE(s.get("s")->backend_job_id, std::string("1234"));
  }

  void storeWithoutBackendColumnsIsMigrated() {
    const auto f = file("old-schema.db");
    {
      Database db(f);  // the schema before the Slurm backend
      db.exec(
          "CREATE TABLE jobs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL DEFAULT "
          "'',"
          " spec TEXT NOT NULL, seed INTEGER, no_cache INTEGER NOT NULL DEFAULT 0, wall_time_s "
          "REAL NOT NULL"
          " DEFAULT 0, state TEXT NOT NULL, created_us INTEGER NOT NULL, started_us INTEGER, "
          "finished_us"
          " INTEGER, error TEXT NOT NULL DEFAULT '', steps_total INTEGER NOT NULL DEFAULT 0, "
          "steps_done"
          " INTEGER NOT NULL DEFAULT 0, result TEXT);"
          "INSERT INTO jobs (id, owner, spec, state, created_us) VALUES ('old', 'a', '{}', "
          "'queued', 1);");
    }
    JobStore s(f);
    const auto old = s.get("old");
    QVERIFY(old);
    QCOMPARE(old->backend, std::string("local"));
    QVERIFY(old->backend_job_id.empty());
  }

  void retentionDeletesOnlyOldFinishedJobs() {
    JobStore s(":memory:");
    s.insert(job("old", "a", 1));
    s.insert(job("new", "a", 2));
    s.insert(job("queued", "a", 3));
    s.finish("old", JobState::Failed, 1000, "boom", "", 0);
    s.finish("new", JobState::Succeeded, 5000, "", "{}", 2);
    QCOMPARE(s.deleteFinishedBefore(2000), std::int64_t{1});
    QVERIFY(!s.get("old"));
    QVERIFY(s.get("new"));
    QVERIFY(s.get("queued"));
    QVERIFY(s.healthy());
  }

  void jobStateNamesRoundTrip() {
    for (auto st : {JobState::Queued, JobState::Running, JobState::Succeeded, JobState::Failed,
                    JobState::Cancelled, JobState::TimedOut})
      QCOMPARE(jobStateFromName(jobStateName(st)).value(), st);
    QVERIFY(!jobStateFromName("bogus"));
    QCOMPARE(std::string(jobStateName(JobState::TimedOut)), std::string("timed_out"));
  }

  void tokensAreHashedVerifiedAndRevoked() {
    const auto f = file("tokens.db");
    TokenStore s(f);
    const auto t = s.create("alice", TokenScope::User);
    QCOMPARE(t.size(), std::size_t{64});  // 32 random bytes, hex
    const auto admin = s.create("root", TokenScope::Admin);
    QVERIFY(t != admin);
    auto v = s.verify(t);
    QVERIFY(v.has_value());
    QCOMPARE(v->name, std::string("alice"));
    QCOMPARE(v->scope, TokenScope::User);
    QCOMPARE(s.verify(admin)->scope, TokenScope::Admin);
    QVERIFY(!s.verify(t.substr(0, 63)));
    QVERIFY(!s.verify(""));
    QVERIFY(!s.verify(std::string(t.rbegin(), t.rend())));
    // Duplicate active name refused; bad names refused.
    QVERIFY_THROWS_EXCEPTION(Error, s.create("alice", TokenScope::User));
    QVERIFY_THROWS_EXCEPTION(Error, s.create("", TokenScope::User));
    QVERIFY_THROWS_EXCEPTION(Error, s.create("a b", TokenScope::User));
    s.revoke("alice");
    QVERIFY(!s.verify(t));
    QVERIFY_THROWS_EXCEPTION(Error, s.revoke("alice"));
    QVERIFY_THROWS_EXCEPTION(Error, s.revoke("nobody"));
    const auto t2 = s.create("alice", TokenScope::User);  // the name is free again
    QVERIFY(s.verify(t2));
    auto list = s.list();
    QCOMPARE(list.size(), std::size_t{3});
    QVERIFY(list[0].revoked_us.has_value());
    // The database holds digests only, never a token.
    std::ifstream in(f, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    std::ifstream wal(f.string() + "-wal", std::ios::binary);
    ss << wal.rdbuf();
    const std::string bytes = ss.str();
    QVERIFY(bytes.find(t) == std::string::npos);
    QVERIFY(bytes.find(t2) == std::string::npos);
    QVERIFY(bytes.find(admin) == std::string::npos);
  }

  void tokensFromAnotherConnectionArePickedUp() {
    const auto f = file("shared.db");
    TokenStore server(f);
    TokenStore cli(f);
    const auto t = cli.create("late", TokenScope::User);
    QVERIFY(server.verify(t).has_value());
    cli.revoke("late");
    QVERIFY(!server.verify(t).has_value());
  }

  void tokenIdsAreUniqueAndNeverReused() {
    const auto f = file("token-ids.db");
    TokenStore s(f);
    const auto t1 = s.create("alice", TokenScope::User);
    const auto id1 = s.verify(t1)->id;
    QCOMPARE(id1.size(), std::size_t{32});
    QCOMPARE(s.activeId("alice").value(), id1);
    QCOMPARE(s.revoke("alice"), id1);
    QVERIFY(!s.activeId("alice"));
    const auto t2 = s.create("alice", TokenScope::User);  // same name, new token
    const auto id2 = s.verify(t2)->id;
    QVERIFY(id2 != id1);
    const auto list = s.list();
    QCOMPARE(list.size(), std::size_t{2});
    QCOMPARE(list[0].id, id1);
    QCOMPARE(list[1].id, id2);
    TokenStore reopened(f);  // ids are stored, not derived
    QCOMPARE(reopened.verify(t2)->id, id2);
  }

  void revocationsByAnotherConnectionAreReported() {
    const auto f = file("revocations.db");
    TokenStore server(f);
    TokenStore cli(f);
    cli.create("alice", TokenScope::User);
    cli.create("bob", TokenScope::User);
    QVERIFY(server.refreshRevoked().empty());  // the baseline
    const auto bob = cli.revoke("bob");
    const auto gone = server.refreshRevoked();
    QCOMPARE(gone.size(), std::size_t{1});
    QCOMPARE(gone[0], bob);
    QVERIFY(server.refreshRevoked().empty());  // reported once
    cli.create("bob", TokenScope::User);       // a new token under the name is no revocation
    QVERIFY(server.refreshRevoked().empty());
    cli.create("carol", TokenScope::User);  // created and revoked between two looks
    const auto carol = cli.revoke("carol");
    QCOMPARE(server.refreshRevoked(), std::vector<std::string>{carol});
    QCOMPARE(server.revoke("alice"), server.list()[0].id);  // by this connection itself
    QCOMPARE(server.refreshRevoked().size(), std::size_t{1});
  }

  void storesBeforeTokenIdsAreMigrated() {
    const auto f = file("pre-ids.db");
    {
      Database db(f);  // tokens and jobs as stored before token ids
      db.exec(
          "CREATE TABLE tokens (name TEXT NOT NULL, hash TEXT NOT NULL, scope TEXT NOT NULL,"
          " created_us INTEGER NOT NULL, revoked_us INTEGER);"
          "INSERT INTO tokens VALUES ('alice', 'aa', 'user', 10, 100);"
          "INSERT INTO tokens VALUES ('alice', 'bb', 'user', 200, NULL);"
          "CREATE TABLE jobs (id TEXT PRIMARY KEY, owner TEXT NOT NULL, name TEXT NOT NULL"
          " DEFAULT '', spec TEXT NOT NULL, seed INTEGER, no_cache INTEGER NOT NULL DEFAULT 0,"
          " wall_time_s REAL NOT NULL DEFAULT 0, state TEXT NOT NULL, created_us INTEGER NOT NULL,"
          " started_us INTEGER, finished_us INTEGER, error TEXT NOT NULL DEFAULT '',"
          " steps_total INTEGER NOT NULL DEFAULT 0, steps_done INTEGER NOT NULL DEFAULT 0,"
          " result TEXT);"
          "INSERT INTO jobs (id, owner, spec, state, created_us) VALUES"
          " ('first', 'alice', '{}', 'succeeded', 50), ('second', 'alice', '{}', 'queued', 250),"
          " ('orphan', 'carol', '{}', 'queued', 60);");
    }
    TokenStore tokens(f);  // gives every token an id
    JobStore jobs(f);      // gives every job the id of the token it was submitted with
    const auto list = tokens.list();
    QCOMPARE(list.size(), std::size_t{2});
    QVERIFY(list[0].id.size() == 32 && list[1].id.size() == 32 && list[0].id != list[1].id);
    QCOMPARE(jobs.get("first")->owner_id, list[0].id);   // the revoked token's job
    QCOMPARE(jobs.get("second")->owner_id, list[1].id);  // the current token's job
    QVERIFY(jobs.get("orphan")->owner_id.empty());       // no such token: admin only
    QCOMPARE(jobs.list(list[1].id, std::nullopt, 0).size(), std::size_t{1});
  }

  void storedResultsCountTowardsTheOwner() {
    JobStore s(":memory:");
    s.insert(job("a", "alice", 1));
    s.insert(job("b", "alice", 2));
    s.insert(job("c", "bob", 3));
    const auto dir = file("results") / "a";
    std::filesystem::create_directories(dir / "files");
    std::ofstream(dir / "result.json") << "{}";
    std::ofstream(dir / "files" / "x.npy") << "npy";
    s.finish("a", JobState::Succeeded, 10, "", "", 1, {(dir / "result.json").string(), 1000});
    s.finish("b", JobState::Succeeded, 11, "", R"({"inline":1})", 1);
    s.finish("c", JobState::Succeeded, 12, "", "", 1, {"/nowhere/c/result.json", 5});
    QVERIFY(s.get("a")->has_result);
    QCOMPARE(s.get("a")->result_bytes, std::int64_t{1000});
    QCOMPARE(s.resultFile("a").value(), (dir / "result.json").string());
    QVERIFY(!s.result("a"));  // not inline
    QVERIFY(!s.resultFile("b"));
    QCOMPARE(s.resultBytesOf("id-alice"), std::int64_t{1000 + 12});
    QCOMPARE(s.resultBytesOf("id-bob"), std::int64_t{5});
    QCOMPARE(s.idsOf("id-alice", JobState::Succeeded).size(), std::size_t{2});
    QCOMPARE(s.dropResult("a"), std::int64_t{1000});
    QVERIFY(!std::filesystem::exists(dir));
    QVERIFY(!s.get("a")->has_result);
    QCOMPARE(s.resultBytesOf("id-alice"), std::int64_t{12});
  }

  void retentionDeletesResultFiles() {
    JobStore s(":memory:");
    s.insert(job("old", "a", 1));
    const auto dir = file("retention") / "old";
    std::filesystem::create_directories(dir);
    std::ofstream(dir / "result.json") << "{}";
    s.finish("old", JobState::Succeeded, 1000, "", "", 1, {(dir / "result.json").string(), 2});
    QCOMPARE(s.deleteFinishedBefore(2000), std::int64_t{1});
    QVERIFY(!std::filesystem::exists(dir));
    QVERIFY(std::filesystem::exists(dir.parent_path()));  // only the job's own directory
  }

  void constantTimeEqualCompares() {
    QVERIFY(TokenStore::constantTimeEqual("abc", "abc"));
    QVERIFY(!TokenStore::constantTimeEqual("abc", "abd"));
    QVERIFY(!TokenStore::constantTimeEqual("abc", "abcd"));
    QVERIFY(TokenStore::constantTimeEqual("", ""));
    QVERIFY(TokenStore::randomHex(16) != TokenStore::randomHex(16));
  }
};

SCIAGENTS_TEST_GUILESS_MAIN(TestServerStore)

}  // namespace test_server_store
#include "test_server_store.moc"
