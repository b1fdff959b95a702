#include "app/language_manager.h"

#include <QCoreApplication>
#include <QLibraryInfo>
#include <QLocale>
#include <QSettings>

namespace concord::app {

LanguageManager::LanguageManager(QObject* parent) : QObject(parent) {}

QString LanguageManager::nativeName(const QString& language)
{
    if (language == QLatin1String("zh_CN"))
        return QStringLiteral("简体中文");
    return QStringLiteral("English");
}

QString LanguageManager::initialLanguage()
{
    const QString saved = QSettings().value(QStringLiteral("ui/language")).toString();
    if (available().contains(saved))
        return saved;
    return QLocale().name().startsWith(QLatin1String("zh")) ? QStringLiteral("zh_CN")
                                                            : QStringLiteral("en");
}

bool LanguageManager::setLanguage(const QString& language)
{
    if (!available().contains(language))
        return false;
    if (language == m_language)
        return true;
    QCoreApplication::removeTranslator(&m_concord);
    QCoreApplication::removeTranslator(&m_qt);
    if (!m_concord.load(QStringLiteral(":/i18n/concord_%1.qm").arg(language)))
        return false;
    // Qt's own strings (standard buttons, file dialogs); absent for English.
    if (m_qt.load(QStringLiteral("qtbase_%1").arg(language),
                  QLibraryInfo::path(QLibraryInfo::TranslationsPath)))
        QCoreApplication::installTranslator(&m_qt);
    QCoreApplication::installTranslator(&m_concord);
    m_language = language;
    QSettings().setValue(QStringLiteral("ui/language"), language);
    return true;
}

}  // namespace concord::app
