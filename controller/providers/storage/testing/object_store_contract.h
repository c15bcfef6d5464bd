// What every ObjectStore must do, as one test body that each store's test runs on a store with
// nothing in it yet: absent objects, binary content back byte for byte, listings by prefix in
// key order (across pages when the store pages), replacing, deleting twice, bad keys refused.
#ifndef DM_CONTROLLER_PROVIDERS_STORAGE_TESTING_OBJECT_STORE_CONTRACT_H_
#define DM_CONTROLLER_PROVIDERS_STORAGE_TESTING_OBJECT_STORE_CONTRACT_H_

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "controller/providers/storage/object_store.h"

namespace dm::testing {

inline void CheckObjectStoreContract(ObjectStore& store) {
  auto nothing = store.List("shop/");
  ASSERT_TRUE(nothing.ok()) << nothing.status();
  EXPECT_TRUE(nothing->empty()) << "nothing stored yet: an empty list";
  EXPECT_TRUE(absl::IsNotFound(store.Get("shop/none.dump").status()));

  std::string dump(300 * 1024, '\0');
  for (size_t i = 0; i < dump.size(); ++i) dump[i] = static_cast<char>(i * 7 % 251);
  absl::Time before = absl::Now() - absl::Seconds(5);
  for (const std::string key :
       {"shop/20261125t100000z.dump", "shop/20261125t110000z.dump", "shop/20261125t120000z.dump",
        "shop/20261125t120000z.json", "solo/a.dump"}) {
    absl::Status put = store.Put(key, key == "shop/20261125t100000z.dump" ? dump : key);
    ASSERT_TRUE(put.ok()) << key << ": " << put;
  }
  auto got = store.Get("shop/20261125t100000z.dump");
  ASSERT_TRUE(got.ok()) << got.status();
  EXPECT_TRUE(*got == dump) << "binary content back byte for byte";

  auto listed = store.List("shop/");
  ASSERT_TRUE(listed.ok()) << listed.status();
  ASSERT_EQ(listed->size(), 4u);
  EXPECT_EQ((*listed)[0].key, "shop/20261125t100000z.dump");
  EXPECT_EQ((*listed)[0].size, dump.size());
  EXPECT_GT((*listed)[0].modified, before);
  EXPECT_EQ((*listed)[3].key, "shop/20261125t120000z.json");

  ASSERT_TRUE(store.Put("shop/20261125t110000z.dump", "replaced").ok());
  EXPECT_EQ(store.Get("shop/20261125t110000z.dump").value_or(""), "replaced");
  ASSERT_TRUE(store.Delete("shop/20261125t110000z.dump").ok());
  EXPECT_TRUE(store.Delete("shop/20261125t110000z.dump").ok()) << "deleting what is gone is fine";
  EXPECT_TRUE(absl::IsNotFound(store.Get("shop/20261125t110000z.dump").status()));
  EXPECT_EQ(store.List("shop/").value_or(std::vector<ObjectInfo>{}).size(), 3u);
  EXPECT_EQ(store.List("").value_or(std::vector<ObjectInfo>{}).size(), 4u);
  // An upload as Django names it (mixed case, a random suffix), listed under its own prefix.
  ASSERT_TRUE(store.Put("site/media/uploads/Report_Q3_aB9xZ1k.PDF", "pdf").ok());
  EXPECT_EQ(store.Get("site/media/uploads/Report_Q3_aB9xZ1k.PDF").value_or(""), "pdf");
  ASSERT_EQ(store.List("site/media/").value_or(std::vector<ObjectInfo>{}).size(), 1u);
  ASSERT_TRUE(store.Delete("site/media/uploads/Report_Q3_aB9xZ1k.PDF").ok());
  EXPECT_FALSE(store.Put("../escape", "x").ok()) << "keys are checked before anything is sent";
  EXPECT_FALSE(store.Put("shop/.hidden", "x").ok());
  EXPECT_FALSE(store.Put("shop/caf\xc3\xa9", "x").ok()) << "ASCII only";
  EXPECT_FALSE(store.Get("shop/../../etc/passwd").ok());
}

}  // namespace dm::testing

#endif  // DM_CONTROLLER_PROVIDERS_STORAGE_TESTING_OBJECT_STORE_CONTRACT_H_
