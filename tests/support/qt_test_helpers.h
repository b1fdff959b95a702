#pragma once

// Waiting helpers for googletest-based Qt tests (QTRY_COMPARE is QtTest-only):
// spin the event loop until a condition holds or a timeout passes.
#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QEventLoop>
#include <QThread>
#include <chrono>

namespace concord::testing {

template <class Predicate>
bool waitFor(Predicate&& done, std::chrono::milliseconds timeout = std::chrono::seconds(10))
{
    QDeadlineTimer deadline(timeout);
    while (!done()) {
        if (deadline.hasExpired())
            return false;
        QCoreApplication::processEvents(QEventLoop::AllEvents, 10);
        QThread::msleep(1);
    }
    return true;
}

}  // namespace concord::testing

// EXPECT that `cond` becomes true within `ms` milliseconds, processing events.
#define CONCORD_TRY_EXPECT(cond, ms)                                                            \
    EXPECT_TRUE(                                                                                \
        ::concord::testing::waitFor([&] { return bool(cond); }, std::chrono::milliseconds(ms))) \
        << "timed out waiting for: " #cond
#define CONCORD_TRY_ASSERT(cond, ms)                                                            \
    ASSERT_TRUE(                                                                                \
        ::concord::testing::waitFor([&] { return bool(cond); }, std::chrono::milliseconds(ms))) \
        << "timed out waiting for: " #cond

// Readable QStrings in googletest's failure messages.
#include <QString>
#include <ostream>
QT_BEGIN_NAMESPACE
inline void PrintTo(const QString& s, std::ostream* os)
{
    *os << '"' << s.toStdString() << '"';
}
QT_END_NAMESPACE
