#include "widgets/orchestration_panel.h"

#include <QDockWidget>
#include <QHideEvent>
#include <QShowEvent>
#include <QTabWidget>
#include <QVBoxLayout>

namespace concord::widgets {

OrchestrationPanel::OrchestrationPanel(QWidget* parent) : QWidget(parent), m_tabs(new QTabWidget)
{
    setObjectName(QStringLiteral("orchestrationPanel"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    m_tabs->setObjectName(QStringLiteral("orchestrationTabs"));
    m_tabs->setDocumentMode(true);
    layout->addWidget(m_tabs);
    for (const QString& resource : resources()) {
        auto* page = new OrchestrationPage(resource);
        m_pages.append(page);
        m_tabs->addTab(page, resource == QLatin1String("thing") ? tr("Things") : tr("Rules"));
        connect(page, &OrchestrationPage::orchestrateRequested, this,
                &OrchestrationPanel::orchestrateRequested);
        connect(page, &OrchestrationPage::runInRequested, this,
                &OrchestrationPanel::runInRequested);
    }
    connect(m_tabs, &QTabWidget::currentChanged, this, &OrchestrationPanel::updateWatched);
}

OrchestrationPanel::~OrchestrationPanel() = default;

QStringList OrchestrationPanel::resources()
{
    return {QStringLiteral("thing"), QStringLiteral("rule")};
}

OrchestrationPage* OrchestrationPanel::page(const QString& resource) const
{
    for (OrchestrationPage* page : m_pages) {
        if (page->resource() == resource)
            return page;
    }
    return nullptr;
}

OrchestrationPage* OrchestrationPanel::currentPage() const
{
    return qobject_cast<OrchestrationPage*>(m_tabs->currentWidget());
}

void OrchestrationPanel::setCurrentResource(const QString& resource)
{
    if (OrchestrationPage* wanted = page(resource))
        m_tabs->setCurrentWidget(wanted);
}

QString OrchestrationPanel::watchedResource() const
{
    OrchestrationPage* current = currentPage();
    return m_shown && m_dockVisible && current ? current->resource() : QString();
}

void OrchestrationPanel::setConfirmer(const OrchestrationPage::Confirmer& confirmer)
{
    for (OrchestrationPage* page : m_pages)
        page->setConfirmer(confirmer);
}

void OrchestrationPanel::setAvailable(bool available, const QString& reason)
{
    for (OrchestrationPage* page : m_pages)
        page->setAvailable(available, reason);
}

void OrchestrationPanel::setMayOrchestrate(bool may, const QString& whyNot)
{
    for (OrchestrationPage* page : m_pages)
        page->setMayOrchestrate(may, whyNot);
}

void OrchestrationPanel::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    m_shown = true;
    followDock();
    updateWatched();
}

// Hidden: a tabified dock behind another, a closed dock, a minimised window.
void OrchestrationPanel::hideEvent(QHideEvent* event)
{
    QWidget::hideEvent(event);
    m_shown = false;
    updateWatched();
}

// The dock this panel sits in, if any (it may be re-parented into another).
void OrchestrationPanel::followDock()
{
    QDockWidget* dock = nullptr;
    for (QWidget* w = parentWidget(); w && !dock; w = w->parentWidget())
        dock = qobject_cast<QDockWidget*>(w);
    if (dock == m_dock)
        return;
    if (m_dock)
        disconnect(m_dock, nullptr, this, nullptr);
    m_dock = dock;
    // Out of sight behind another tab, the dock's visible region is empty.
    m_dockVisible = !dock || !dock->visibleRegion().isEmpty();
    if (dock)
        connect(dock, &QDockWidget::visibilityChanged, this, [this](bool visible) {
            m_dockVisible = visible;
            updateWatched();
        });
}

void OrchestrationPanel::updateWatched()
{
    const QString watched = watchedResource();
    if (watched == m_watched)
        return;
    m_watched = watched;
    emit watchedResourceChanged(watched);
}

}  // namespace concord::widgets
