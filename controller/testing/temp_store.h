// A SqliteStore in a fresh temporary directory, removed when the fixture ends. For unit tests.
#ifndef DM_CONTROLLER_TESTING_TEMP_STORE_H_
#define DM_CONTROLLER_TESTING_TEMP_STORE_H_

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>

#include "common/temp_dir.h"
#include "controller/store/sqlite_store.h"

namespace dm {

class TempStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = SqliteStore::Open(dir_ + "/state.db");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }
  void TearDown() override { store_.reset(); }

  TempDir temp_{"dm-store-test"};
  const std::string dir_ = temp_.path();
  std::unique_ptr<SqliteStore> store_;
};

}  // namespace dm

#endif  // DM_CONTROLLER_TESTING_TEMP_STORE_H_
