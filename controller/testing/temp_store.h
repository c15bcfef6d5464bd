// A SqliteStore in a fresh temporary directory, removed when the fixture ends. For unit tests.
#ifndef DM_CONTROLLER_TESTING_TEMP_STORE_H_
#define DM_CONTROLLER_TESTING_TEMP_STORE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "controller/store/sqlite_store.h"

namespace dm {

class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/dm-test-XXXXXX";
    dir_ = mkdtemp(tmpl);
    auto store = SqliteStore::Open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  std::string dir_;
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_TESTING_TEMP_STORE_H_
