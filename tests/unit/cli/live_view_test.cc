#include "cli/live_view.h"

#include <sstream>

#include <gtest/gtest.h>

namespace aviary::cli {
namespace {

TEST(LiveViewTest, OutsideATerminalEachChangeIsAppended) {
  std::ostringstream out;
  LiveView view(out, {});
  view.show("a\nb\n");
  view.show("a\nb\n");
  view.show("a\nc\n");
  EXPECT_EQ(out.str(), "a\nb\n\na\nc\n");
}

TEST(LiveViewTest, OnATerminalTheBlockIsRedrawnInPlace) {
  std::ostringstream out;
  LiveView view(out, {80, 24});
  view.show("one\ntwo\n");
  view.show("one\ntwo\n");
  view.show("three\n");
  view.show("four\n");
  EXPECT_EQ(out.str(), "one\ntwo\n\x1b[2F\x1b[Jthree\n\x1b[1F\x1b[Jfour\n");
}

TEST(LiveViewTest, LinesAreCutToTheTerminalWidth) {
  std::ostringstream out;
  LiveView view(out, {6, 24});
  view.show("abcdefghij\nxy\n");
  EXPECT_EQ(out.str(), "abcde\nxy\n");
}

TEST(LiveViewTest, ABlockTallerThanTheTerminalClearsTheScreen) {
  std::ostringstream out;
  LiveView view(out, {80, 2});
  view.show("1\n2\n3\n");
  view.show("4\n");
  EXPECT_EQ(out.str(), "1\n2\n3\n\x1b[H\x1b[2J4\n");
}

}  // namespace
}  // namespace aviary::cli
