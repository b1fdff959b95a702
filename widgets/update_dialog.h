#pragma once

// "Update to this version…": strategy, straggler TTL, timeout, the
// controller's plan phase by phase with the Istio YAML of each phase, Start.
// The dialog never talks to the network: it asks for plans and starts through
// signals, the app answers through the slots, and accepts the dialog once
// StartUpdate succeeded. Losing the controller never loses the operator's
// choices — Start is disabled until it is back.

#include <QDialog>
#include <QTimer>

#include "concord/v1/update.pb.h"

class QCheckBox;
class QComboBox;
class QLabel;
class QListWidget;
class QPlainTextEdit;
class QPushButton;
class QSpinBox;

namespace concord::widgets {

class YamlHighlighter;

class UpdateDialog final : public QDialog
{
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(UpdateDialog)

public:
    // `fromVersion` is the version serving now (may be empty when unknown);
    // `targetVersion` any non-serving version — older ones too (rollback).
    UpdateDialog(const QString& service, const QString& fromVersion, const QString& targetVersion,
                 QWidget* parent = nullptr);
    ~UpdateDialog() override;

    QString service() const { return m_service; }
    QString targetVersion() const { return m_target; }
    v1::UpdateStrategy strategy() const;

    // The requests as they would be sent now.
    v1::StartUpdateRequest startRequest() const;
    v1::PlanUpdateRequest planRequest() const;
    // The plan shown (matching the chosen strategy); empty until one arrived.
    const v1::UpdatePlan& currentPlan() const { return m_plan; }
    bool hasPlan() const { return m_hasPlan; }
    bool isConnected() const { return m_connected; }

public slots:
    // Plans for another strategy, service or target (late answers) are ignored.
    void setPlan(const concord::v1::UpdatePlan& plan);
    void setPlanError(const QString& message);
    // StartUpdate failed: the message shows, every field stays as it was.
    void setStartError(const QString& message);
    void setConnected(bool connected);

signals:
    void planRequested(const concord::v1::PlanUpdateRequest& request);
    void startRequested(const concord::v1::StartUpdateRequest& request);

protected:
    void showEvent(QShowEvent* event) override;

private:
    QWidget* buildOptions();
    QWidget* buildPreview();
    void setUnsafeShown(bool shown);
    void onStrategyChanged();
    void schedulePlanRequest();
    void emitPlanRequest();
    void showPhase(int row);
    void copyYaml();
    void start();
    void refreshStart();
    v1::UpdateOptions options() const;

    QString m_service;
    QString m_from;
    QString m_target;
    QComboBox* m_strategy = nullptr;
    QLabel* m_strategyDescription = nullptr;
    QCheckBox* m_unsafe = nullptr;
    QLabel* m_naiveWarning = nullptr;
    QCheckBox* m_naiveAcknowledge = nullptr;
    QSpinBox* m_stragglerTtl = nullptr;
    QSpinBox* m_timeout = nullptr;
    QListWidget* m_phases = nullptr;
    QLabel* m_phaseDescription = nullptr;
    QPlainTextEdit* m_yaml = nullptr;
    YamlHighlighter* m_highlighter = nullptr;
    QPushButton* m_copy = nullptr;
    QLabel* m_planStatus = nullptr;
    QLabel* m_warnings = nullptr;
    QLabel* m_startError = nullptr;
    QLabel* m_connection = nullptr;
    QPushButton* m_startButton = nullptr;
    QTimer m_planTimer;

    v1::UpdatePlan m_plan;
    bool m_hasPlan = false;
    bool m_connected = true;
    bool m_starting = false;  // Start sent, no answer yet: no second request
    bool m_shownOnce = false;
};

}  // namespace concord::widgets
