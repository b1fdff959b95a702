// The translations are complete: lupdate over today's sources finds no
// string the checked-in catalogs lack, every zh_CN message is translated and
// keeps its placeholders, and the compiled catalogs load.
#include <gtest/gtest.h>

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTranslator>
#include <QXmlStreamReader>

namespace {

struct Message
{
    QString context, source, translation;
    bool unfinished = false;
    bool obsolete = false;
    bool plural = false;
};

QList<Message> readCatalog(const QString& path)
{
    QFile file(path);
    EXPECT_TRUE(file.open(QIODevice::ReadOnly)) << path.toStdString();
    QXmlStreamReader xml(&file);
    QList<Message> messages;
    QString context;
    Message current;
    while (!xml.atEnd()) {
        xml.readNext();
        if (!xml.isStartElement())
            continue;
        if (xml.name() == QLatin1String("name")) {
            context = xml.readElementText();
        } else if (xml.name() == QLatin1String("message")) {
            current = Message{};
            current.context = context;
            current.plural =
                xml.attributes().value(QLatin1String("numerus")) == QLatin1String("yes");
        } else if (xml.name() == QLatin1String("source")) {
            current.source = xml.readElementText();
        } else if (xml.name() == QLatin1String("translation")) {
            const auto type = xml.attributes().value(QLatin1String("type"));
            current.unfinished = type == QLatin1String("unfinished");
            current.obsolete =
                type == QLatin1String("vanished") || type == QLatin1String("obsolete");
            current.translation = xml.readElementText(QXmlStreamReader::IncludeChildElements);
            messages.append(current);
        }
    }
    EXPECT_FALSE(xml.hasError()) << xml.errorString().toStdString();
    return messages;
}

QStringList placeholders(const QString& text)
{
    static const QRegularExpression re(QStringLiteral("%(\\d|n)"));
    QStringList found;
    for (auto it = re.globalMatch(text); it.hasNext();)
        found.append(it.next().captured(0));
    found.sort();
    found.removeDuplicates();
    return found;
}

// lupdate today's sources into a copy of the catalog: nothing may be new.
// English carries only the plural forms (-pluralonly); other strings are the source.
QList<Message> refreshed(const QString& catalog, QTemporaryDir& dir, bool pluralOnly)
{
    const QString copy = dir.filePath(QFileInfo(catalog).fileName());
    QFile::copy(catalog, copy);
    QFile::setPermissions(copy, QFile::ReadOwner | QFile::WriteOwner);
    QStringList args;
    for (const char* folder : {"app", "widgets", "models", "backend_clients"})
        args << QStringLiteral(CONCORD_SOURCE_DIR "/") + QString::fromLatin1(folder);
    // -I: lupdate must see the headers to name each class's context with its
    // namespace, as tr() does at run time.
    args << QStringLiteral("-I") << QStringLiteral(CONCORD_SOURCE_DIR);
    args << QStringLiteral("-extensions") << QStringLiteral("cpp,h")
         << QStringLiteral("-no-obsolete") << QStringLiteral("-silent");
    if (pluralOnly)
        args << QStringLiteral("-pluralonly");
    args << QStringLiteral("-ts") << copy;
    QProcess lupdate;
    lupdate.start(QStringLiteral(LUPDATE_BINARY), args);
    EXPECT_TRUE(lupdate.waitForFinished(60000));
    EXPECT_EQ(lupdate.exitCode(), 0) << lupdate.readAllStandardError().toStdString();
    return readCatalog(copy);
}

const QString kZh = QStringLiteral(CONCORD_SOURCE_DIR "/translations/concord_zh_CN.ts");
const QString kEn = QStringLiteral(CONCORD_SOURCE_DIR "/translations/concord_en.ts");

TEST(Translations, TheCatalogsHoldEveryStringOfTheSources)
{
    for (const QString& catalog : {kEn, kZh}) {
        QTemporaryDir dir;
        const QList<Message> after = refreshed(catalog, dir, catalog == kEn);
        int untranslated = 0;
        for (const Message& m : after) {
            if (m.unfinished || m.translation.trimmed().isEmpty()) {
                ++untranslated;
                ADD_FAILURE() << catalog.toStdString() << ": untranslated ["
                              << m.context.toStdString() << "] " << m.source.toStdString();
            }
        }
        EXPECT_EQ(untranslated, 0) << catalog.toStdString();
        EXPECT_GT(after.size(), catalog == kEn ? 3 : 200) << catalog.toStdString();
    }
}

TEST(Translations, EveryChineseMessageIsTranslatedWithItsPlaceholders)
{
    const QList<Message> messages = readCatalog(kZh);
    ASSERT_GT(messages.size(), 100);
    for (const Message& m : messages) {
        if (m.obsolete)
            continue;
        const std::string where = "[" + m.context.toStdString() + "] " + m.source.toStdString();
        EXPECT_FALSE(m.unfinished) << where;
        EXPECT_FALSE(m.translation.trimmed().isEmpty()) << where;
        if (!m.plural)
            EXPECT_EQ(placeholders(m.translation), placeholders(m.source)) << where;
    }
}

TEST(Translations, TheCompiledCatalogsLoad)
{
    for (const char* language : {"en", "zh_CN"}) {
        QTranslator translator;
        EXPECT_TRUE(translator.load(
            QStringLiteral(":/i18n/concord_%1.qm").arg(QString::fromLatin1(language))))
            << language;
    }
}

}  // namespace
