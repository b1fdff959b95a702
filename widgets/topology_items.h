#pragma once

// Scene items of the topology view. They paint themselves (no child text
// items) and format their labels only when painted, so a live refresh of
// thousands of edges stores numbers and schedules repaints, nothing more.

#include <QCoreApplication>
#include <QGraphicsItem>
#include <QLineF>
#include <QList>
#include <QPainterPath>
#include <QPalette>
#include <QPolygonF>
#include <QString>
#include <vector>

#include "models/topology_model.h"

namespace concord::widgets {

// Below this scale text is unreadable: items paint plain shapes, and the view
// draws edges through one TopologyOverviewItem.
inline constexpr double TopologyDetailScale = 0.35;

// Shared by every item of a scene: what the view toggles for all at once.
// What every item paints with: the stale flag and colours that follow the
// view's palette (light or dark), shared by pointer so a change repaints all.
struct TopologyStyle
{
    bool stale = false;
    QColor nodeFill{0xfa, 0xfa, 0xfa};
    QColor groupFill{0xe8, 0xea, 0xf6};
    QColor text{0x21, 0x21, 0x21};
    QColor edgeLabel{0x42, 0x42, 0x42};
    QColor clusterBorder{0x90, 0xa4, 0xae};
    QColor clusterFill{0xf3, 0xf6, 0xf8};
    QColor clusterText{0x54, 0x6e, 0x7a};

    void followPalette(const QPalette& palette);
};

class TopologyNodeItem final : public QGraphicsItem
{
    Q_DECLARE_TR_FUNCTIONS(concord::widgets::TopologyItems)

public:
    static constexpr double Width = 200;
    static constexpr double Height = 56;

    // `service` empty with `group` true: a collapsed namespace.
    TopologyNodeItem(const TopologyStyle* style, QString service, QString nameSpace, bool ingress,
                     bool group, int memberCount);
    Q_DISABLE_COPY_MOVE(TopologyNodeItem)

    const QString& service() const { return m_service; }
    const QString& nameSpace() const { return m_nameSpace; }
    bool isGroup() const { return m_group; }
    bool isIngress() const { return m_ingress; }

    // Repaints only when something visible changed.
    void setTraffic(const QList<models::TopologyVersion>& versions, double inRate,
                    double errorRatio);
    QString badgeText(int index) const;  // what badge `index` shows, for tests and tooltips
    int badgeCount() const { return int(m_versions.size()); }

    QRectF boundingRect() const override;
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QString title() const;

    const TopologyStyle* m_style;
    QString m_service;
    QString m_nameSpace;
    bool m_ingress;
    bool m_group;
    int m_memberCount;
    QList<models::TopologyVersion> m_versions;
    double m_inRate = 0;
    double m_errorRatio = 0;
};

class TopologyEdgeItem final : public QGraphicsItem
{
    Q_DECLARE_TR_FUNCTIONS(concord::widgets::TopologyItems)

public:
    TopologyEdgeItem(const TopologyStyle* style, const QPolygonF& points);
    Q_DISABLE_COPY_MOVE(TopologyEdgeItem)

    // Repaints only when the shown (rounded) numbers changed.
    void setTraffic(double rate, double errorRatio);
    double rate() const { return m_rate; }
    static constexpr double LabelWidth = 180;             // scene units; the label's box
    QPointF labelPosition() const { return m_labelPos; }  // centre of the label's baseline box
    double errorRatio() const { return m_errorRatio; }
    QString label() const;  // "12.3 rps · 0.5%"
    QColor color() const;   // health colour (grey when idle, greyed when stale)
    QLineF chord() const { return m_chord; }

    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    QRectF labelRect() const;
    const TopologyStyle* m_style;
    QPainterPath m_path;
    QLineF m_chord;  // first to last point: the overview draws this
    QPolygonF m_arrow;
    QPointF m_labelPos;
    QRectF m_bounds;
    double m_rate = 0;
    double m_errorRatio = 0;
    qint64 m_shownRate = -1;    // rate in tenths, as last shown
    qint64 m_shownErrors = -1;  // error ratio in tenths of a percent
};

// Zoomed out, thousands of edge items cost more to visit than to draw: the
// view hides them and this one item draws them all as lines, one call per
// colour.
class TopologyOverviewItem final : public QGraphicsItem
{
public:
    TopologyOverviewItem(const std::vector<TopologyEdgeItem*>* edges, const QRectF& bounds);
    Q_DISABLE_COPY_MOVE(TopologyOverviewItem)

    QRectF boundingRect() const override { return m_bounds; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    const std::vector<TopologyEdgeItem*>* m_edges;
    QRectF m_bounds;
};

class TopologyClusterItem final : public QGraphicsItem
{
    Q_DECLARE_TR_FUNCTIONS(concord::widgets::TopologyItems)

public:
    TopologyClusterItem(const TopologyStyle* style, const QRectF& rect, QString nameSpace);
    Q_DISABLE_COPY_MOVE(TopologyClusterItem)

    const QString& nameSpace() const { return m_nameSpace; }
    QRectF boundingRect() const override { return m_rect; }
    void paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget* widget) override;

private:
    const TopologyStyle* m_style;
    QRectF m_rect;
    QString m_nameSpace;
};

}  // namespace concord::widgets
