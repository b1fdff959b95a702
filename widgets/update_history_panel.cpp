#include "widgets/update_history_panel.h"

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include "models/update_history_model.h"

namespace concord::widgets {

UpdateHistoryPanel::UpdateHistoryPanel(QWidget* parent)
    : QWidget(parent), m_proxy(new QSortFilterProxyModel(this))
{
    setObjectName(QStringLiteral("updateHistoryPanel"));
    m_proxy->setSortRole(models::UpdateHistoryModel::SortRole);
    m_proxy->setDynamicSortFilter(true);

    auto* layout = new QVBoxLayout(this);
    m_view = new QTableView;
    m_view->setObjectName(QStringLiteral("updateHistory"));
    m_view->setModel(m_proxy);
    m_view->setSortingEnabled(true);
    m_view->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_view->setSelectionMode(QAbstractItemView::SingleSelection);
    m_view->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_view->verticalHeader()->hide();
    m_view->horizontalHeader()->setStretchLastSection(true);
    layout->addWidget(m_view, 1);

    m_details = new QLabel;
    m_details->setObjectName(QStringLiteral("updateDetails"));
    m_details->setWordWrap(true);
    m_details->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_details);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this] { refreshDetails(); });
    connect(m_proxy, &QAbstractItemModel::dataChanged, this, [this] { refreshDetails(); });
    connect(m_proxy, &QAbstractItemModel::modelReset, this, [this] { refreshDetails(); });
    refreshDetails();
}

void UpdateHistoryPanel::setModel(models::UpdateHistoryModel* model)
{
    m_model = model;
    m_proxy->setSourceModel(model);
    // Newest first until the operator sorts otherwise.
    m_view->sortByColumn(models::UpdateHistoryModel::Requested, Qt::DescendingOrder);
    refreshDetails();
}

void UpdateHistoryPanel::setStale(bool stale)
{
    if (m_stale == stale)
        return;
    m_stale = stale;
    // Greyed text, still scrollable: the last history stays readable.
    QPalette greyed = palette();
    for (const QPalette::ColorRole role : {QPalette::Text, QPalette::WindowText}) {
        for (const QPalette::ColorGroup group : {QPalette::Active, QPalette::Inactive})
            greyed.setColor(group, role, greyed.color(QPalette::Disabled, role));
    }
    m_view->setPalette(stale ? greyed : QPalette());
    m_details->setPalette(stale ? greyed : QPalette());
    m_view->setToolTip(stale ? tr("The controller is unreachable: showing the last history.")
                             : QString());
}

QString UpdateHistoryPanel::selectedUpdateId() const
{
    const QModelIndex current = m_view->selectionModel()->currentIndex();
    return current.isValid() ? current.data(models::UpdateHistoryModel::UpdateIdRole).toString()
                             : QString();
}

QString UpdateHistoryPanel::detailsText() const
{
    return m_details->text();
}

void UpdateHistoryPanel::refreshDetails()
{
    const QString id = selectedUpdateId();
    const int row = m_model ? m_model->rowOf(id) : -1;
    if (row < 0) {
        m_details->setText(tr("Select an update to see its metrics."));
    } else {
        const v1::UpdateSummary& update = m_model->summary(row);
        const v1::UpdateMetrics& metrics = update.metrics();
        QString details =
            tr("%1 by %2: held requests %3 · rejected requests %4 · retried requests %5 · "
               "stragglers %6 · possible violations %7")
                .arg(QString::fromStdString(update.update_id()),
                     QString::fromStdString(update.requested_by()))
                .arg(metrics.held_requests())
                .arg(metrics.rejected_requests())
                .arg(metrics.retried_requests())
                .arg(metrics.stragglers())
                .arg(metrics.possible_violations());
        if (!update.message().empty())
            details = tr("%1\n%2").arg(details, QString::fromStdString(update.message()));
        m_details->setText(details);
    }
    if (id != m_selectedId) {
        m_selectedId = id;
        emit selectedUpdateChanged(id);
    }
}

}  // namespace concord::widgets
