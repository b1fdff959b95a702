#pragma once

// Loads the console's translation (and Qt's own, for standard dialogs) and
// switches it at run time; widgets pick the change up through
// QEvent::LanguageChange.

#include <QObject>
#include <QString>
#include <QTranslator>

namespace concord::app {

class LanguageManager final : public QObject
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LanguageManager)

public:
    explicit LanguageManager(QObject* parent = nullptr);

    // "en" or "zh_CN"; false (and nothing changes) if its catalog is missing.
    bool setLanguage(const QString& language);
    QString language() const { return m_language; }

    static QStringList available() { return {QStringLiteral("en"), QStringLiteral("zh_CN")}; }
    // The name of a language in that language ("English", "简体中文").
    static QString nativeName(const QString& language);
    // The saved choice, else the system locale's if we have it, else English.
    static QString initialLanguage();

private:
    QTranslator m_concord;
    QTranslator m_qt;
    QString m_language;
};

}  // namespace concord::app
