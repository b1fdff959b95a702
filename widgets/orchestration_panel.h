#pragma once

// The resource orchestrator (DESIGN.md §8): one OrchestrationPage per
// resource type, as tabs ("Things", "Rules"). The panel says which type it
// shows while it is visible (watchedResourceChanged) so its owner polls that
// one only, and passes the pages' requests on with their resource type.

#include <QList>
#include <QPointer>
#include <QWidget>

#include "widgets/orchestration_page.h"

class QDockWidget;
class QTabWidget;

namespace concord::widgets {

class OrchestrationPanel final : public QWidget
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(OrchestrationPanel)

public:
    explicit OrchestrationPanel(QWidget* parent = nullptr);
    ~OrchestrationPanel() override;

    // The resource types, as the REST API spells them: "thing", "rule".
    static QStringList resources();
    OrchestrationPage* page(const QString& resource) const;  // null for an unknown type
    OrchestrationPage* currentPage() const;
    void setCurrentResource(const QString& resource);
    QTabWidget* tabs() const { return m_tabs; }

    // The current tab's resource while the panel is shown (in a dock: while
    // its tab is the dock area's current one), else empty.
    QString watchedResource() const;

    void setConfirmer(const OrchestrationPage::Confirmer& confirmer);
    void setAvailable(bool available, const QString& reason);
    void setMayOrchestrate(bool may, const QString& whyNot = {});

    QSize sizeHint() const override { return {900, 420}; }

signals:
    void watchedResourceChanged(const QString& resource);
    void orchestrateRequested(
        const QString& resource,
        const concord::backend_clients::OrchestrationParametersDto& parameters);
    void runInRequested(const QString& resource, const QString& resourceId);

protected:
    void showEvent(QShowEvent* event) override;
    void hideEvent(QHideEvent* event) override;

private:
    void updateWatched();
    void followDock();

    QTabWidget* m_tabs;
    QList<OrchestrationPage*> m_pages;
    bool m_shown = false;
    // A tabified dock behind another stays "visible", moved out of sight:
    // only its visibilityChanged says whether the operator sees it.
    QPointer<QDockWidget> m_dock;
    bool m_dockVisible = true;
    QString m_watched;
};

}  // namespace concord::widgets
