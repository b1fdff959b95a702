#include "widgets/event_log_panel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QDateTime>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLineEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QTableView>
#include <QVBoxLayout>
#include <algorithm>

#include "models/event_log_filter_model.h"
#include "models/event_log_model.h"

namespace concord::widgets {

using models::EventLogModel;

EventLogPanel::EventLogPanel(QWidget* parent)
    : QWidget(parent), m_filter(new models::EventLogFilterModel(this))
{
    setObjectName(QStringLiteral("eventLogPanel"));
    auto* layout = new QVBoxLayout(this);

    auto* bar = new QHBoxLayout;
    m_filterEdit = new QLineEdit;
    m_filterEdit->setObjectName(QStringLiteral("eventFilter"));
    m_filterEdit->setPlaceholderText(tr("Filter events"));
    m_filterEdit->setClearButtonEnabled(true);
    m_severity = new QComboBox;
    m_severity->setObjectName(QStringLiteral("eventSeverity"));
    m_severity->addItem(tr("All events"), int(EventLogModel::Severity::Info));
    m_severity->addItem(tr("Warnings and errors"), int(EventLogModel::Severity::Warning));
    m_severity->addItem(tr("Errors only"), int(EventLogModel::Severity::Error));
    m_copyButton = new QPushButton(tr("Copy"));
    m_copyButton->setObjectName(QStringLiteral("eventCopy"));
    m_clearButton = new QPushButton(tr("Clear"));
    m_clearButton->setObjectName(QStringLiteral("eventClear"));
    bar->addWidget(m_filterEdit, 1);
    bar->addWidget(m_severity);
    bar->addWidget(m_copyButton);
    bar->addWidget(m_clearButton);
    layout->addLayout(bar);

    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("eventTable"));
    m_view->setModel(m_filter);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->setWordWrap(false);
    m_view->verticalHeader()->hide();
    // Fixed row heights and no measuring of 10,000 rows.
    m_view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    m_view->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_view, 1);

    m_copy = new QAction(tr("&Copy"), this);
    m_copy->setObjectName(QStringLiteral("eventCopyAction"));
    m_copy->setShortcut(QKeySequence::Copy);
    m_copy->setShortcutContext(Qt::WidgetWithChildrenShortcut);
    m_view->addAction(m_copy);
    m_view->setContextMenuPolicy(Qt::ActionsContextMenu);

    connect(m_filterEdit, &QLineEdit::textChanged, m_filter,
            &models::EventLogFilterModel::setFilterText);
    connect(m_severity, &QComboBox::currentIndexChanged, this, [this](int index) {
        m_filter->setMinimumSeverity(
            EventLogModel::SeverityLevel(m_severity->itemData(index).toInt()));
    });
    connect(m_copy, &QAction::triggered, this, &EventLogPanel::copySelection);
    connect(m_copyButton, &QPushButton::clicked, this, &EventLogPanel::copySelection);
    connect(m_clearButton, &QPushButton::clicked, this, &EventLogPanel::clearLog);
    connect(m_filter, &QAbstractItemModel::rowsAboutToBeInserted, this,
            &EventLogPanel::onRowsAboutToBeInserted);
    connect(m_filter, &QAbstractItemModel::rowsInserted, this, &EventLogPanel::onRowsInserted);
}

void EventLogPanel::setModel(models::EventLogModel* model)
{
    m_model = model;
    m_filter->setSourceModel(model);
    QHeaderView* header = m_view->horizontalHeader();
    const int charWidth = fontMetrics().horizontalAdvance(QLatin1Char('0'));
    header->resizeSection(EventLogModel::Time, charWidth * 14);
    header->resizeSection(EventLogModel::Severity, charWidth * 10);
    header->resizeSection(EventLogModel::Source, charWidth * 12);
    m_view->scrollToBottom();
}

void EventLogPanel::onRowsAboutToBeInserted()
{
    const QScrollBar* bar = m_view->verticalScrollBar();
    m_followBottom = bar->value() >= bar->maximum();
}

void EventLogPanel::onRowsInserted()
{
    // Follow new events only while the operator reads the newest ones.
    if (m_followBottom)
        m_view->scrollToBottom();
}

QString EventLogPanel::selectedText() const
{
    QList<int> rows;
    for (const QModelIndex& index : m_view->selectionModel()->selectedRows())
        rows.append(index.row());
    if (rows.isEmpty()) {
        for (int row = 0; row < m_filter->rowCount(); ++row)
            rows.append(row);
    }
    std::sort(rows.begin(), rows.end());
    QStringList lines;
    lines.reserve(rows.size());
    for (const int row : std::as_const(rows)) {
        // The full timestamp: a pasted log is read on another day.
        QStringList cells{m_filter->index(row, EventLogModel::Time)
                              .data(EventLogModel::TimestampRole)
                              .toDateTime()
                              .toString(Qt::ISODateWithMs)};
        for (int column = EventLogModel::Time + 1; column < EventLogModel::ColumnCount; ++column)
            cells.append(m_filter->index(row, column).data().toString());
        lines.append(cells.join(QLatin1Char('\t')));
    }
    return lines.join(QLatin1Char('\n'));
}

void EventLogPanel::copySelection()
{
    const QString text = selectedText();
    if (!text.isEmpty())
        QApplication::clipboard()->setText(text);
}

void EventLogPanel::clearLog()
{
    if (m_model)
        m_model->clear();
}

}  // namespace concord::widgets
