#include "widgets/topology_items.h"

#include <QCoreApplication>
#include <QPainter>
#include <QStyleOptionGraphicsItem>
#include <QtMath>
#include <algorithm>
#include <cmath>

#include "models/state_palette.h"

namespace concord::widgets {

void TopologyStyle::followPalette(const QPalette& palette)
{
    const bool dark = palette.color(QPalette::Base).lightness() < 128;
    nodeFill = dark ? QColor(0x2b, 0x2d, 0x30) : QColor(0xfa, 0xfa, 0xfa);
    groupFill = dark ? QColor(0x30, 0x34, 0x4a) : QColor(0xe8, 0xea, 0xf6);
    text = palette.color(QPalette::Text);
    edgeLabel = dark ? QColor(0xbd, 0xc1, 0xc6) : QColor(0x42, 0x42, 0x42);
    clusterBorder = dark ? QColor(0x5f, 0x6b, 0x73) : QColor(0x90, 0xa4, 0xae);
    clusterFill = dark ? QColor(0x25, 0x28, 0x2c) : QColor(0xf3, 0xf6, 0xf8);
    clusterText = dark ? QColor(0x9a, 0xb0, 0xbb) : QColor(0x54, 0x6e, 0x7a);
}

namespace {

constexpr double BadgeHeight = 18;
constexpr double ArrowSize = 9;
constexpr double DetailScale = TopologyDetailScale;

QColor shown(const TopologyStyle* style, const QColor& color)
{
    return style->stale ? models::staleColor(color) : color;
}

double levelOfDetail(const QStyleOptionGraphicsItem* option, const QPainter* painter)
{
    return option->levelOfDetailFromTransform(painter->worldTransform());
}

QPainterPath pathThrough(const QPolygonF& points)
{
    QPainterPath path;
    if (points.isEmpty())
        return path;
    path.moveTo(points.first());
    const qsizetype n = points.size();
    const bool bezier = n >= 4 && (n - 1) % 3 == 0;
    const bool bezierThenTip = n >= 5 && (n - 2) % 3 == 0;
    if (bezier || bezierThenTip) {
        const qsizetype last = bezier ? n : n - 1;
        for (qsizetype i = 1; i + 2 < last; i += 3)
            path.cubicTo(points[i], points[i + 1], points[i + 2]);
        if (bezierThenTip)
            path.lineTo(points.last());
    } else {
        for (qsizetype i = 1; i < n; ++i)
            path.lineTo(points[i]);
    }
    return path;
}

}  // namespace

TopologyNodeItem::TopologyNodeItem(const TopologyStyle* style, QString service, QString nameSpace,
                                   bool ingress, bool group, int memberCount)
    : m_style(style),
      m_service(std::move(service)),
      m_nameSpace(std::move(nameSpace)),
      m_ingress(ingress),
      m_group(group),
      m_memberCount(memberCount)
{
    setFlag(ItemIsSelectable, !ingress);
    setZValue(2);
    if (group)
        setToolTip(tr("Namespace %1: %2 services, collapsed").arg(m_nameSpace).arg(memberCount));
    else if (!ingress)
        setToolTip(tr("%1 (namespace %2)").arg(m_service, m_nameSpace));
}

void TopologyNodeItem::setTraffic(const QList<models::TopologyVersion>& versions, double inRate,
                                  double errorRatio)
{
    bool same = versions.size() == m_versions.size() &&
                std::lround(inRate * 10) == std::lround(m_inRate * 10) &&
                models::healthColor(errorRatio) == models::healthColor(m_errorRatio);
    for (qsizetype i = 0; same && i < versions.size(); ++i)
        same = versions[i].name == m_versions[i].name && versions[i].state == m_versions[i].state &&
               std::lround(versions[i].trafficShare * 100) ==
                   std::lround(m_versions[i].trafficShare * 100);
    m_inRate = inRate;
    m_errorRatio = errorRatio;
    if (same)
        return;
    m_versions = versions;
    update();
}

QString TopologyNodeItem::badgeText(int index) const
{
    if (index < 0 || index >= m_versions.size())
        return {};
    const models::TopologyVersion& v = m_versions.at(index);
    const QString share = QString::number(std::lround(v.trafficShare * 100));
    if (v.state == v1::VERSION_STATE_DRAINING)
        return tr("%1 %2% ⟳%3").arg(v.name, share, models::versionStateName(v.state));
    if (v.state == v1::VERSION_STATE_DEPLOYING)
        return tr("%1 %2").arg(v.name, models::versionStateName(v.state));
    return tr("%1 %2%").arg(v.name, share);
}

QString TopologyNodeItem::title() const
{
    if (m_ingress)
        return tr("ingress");
    if (m_group)
        return tr("%1 (%2 services)").arg(m_nameSpace).arg(m_memberCount);
    return m_service;
}

QRectF TopologyNodeItem::boundingRect() const
{
    return QRectF(-Width / 2 - 2, -Height / 2 - 2, Width + 4, Height + 4);
}

void TopologyNodeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const QRectF box(-Width / 2, -Height / 2, Width, Height);
    const QColor border =
        shown(m_style, isSelected() ? QColor(0x15, 0x65, 0xc0) : models::healthColor(m_errorRatio));
    const QColor fill = shown(m_style, m_group ? m_style->groupFill : m_style->nodeFill);
    const double lod = levelOfDetail(option, painter);
    if (lod < DetailScale) {
        painter->fillRect(box, border);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    painter->setPen(QPen(border, isSelected() ? 3 : 1.5));
    painter->setBrush(fill);
    painter->drawRoundedRect(box, 6, 6);
    painter->setPen(shown(m_style, m_style->text));
    QFont font = painter->font();
    font.setPointSizeF(9);
    font.setBold(true);
    painter->setFont(font);
    const QRectF titleRect(box.left() + 6, box.top() + 3, box.width() - 12, 20);
    painter->drawText(
        titleRect, Qt::AlignCenter,
        painter->fontMetrics().elidedText(title(), Qt::ElideMiddle, int(titleRect.width())));
    if (m_versions.isEmpty())
        return;
    font.setBold(false);
    font.setPointSizeF(7.5);
    painter->setFont(font);
    const double gap = 4;
    const double badgeWidth =
        (box.width() - 2 * gap - gap * double(m_versions.size() - 1)) / double(m_versions.size());
    for (int i = 0; i < m_versions.size(); ++i) {
        const QRectF badge(box.left() + gap + i * (badgeWidth + gap),
                           box.bottom() - BadgeHeight - 6, badgeWidth, BadgeHeight);
        const QColor color = shown(m_style, models::versionStateColor(m_versions[i].state));
        painter->setPen(Qt::NoPen);
        painter->setBrush(color);
        painter->drawRoundedRect(badge, 4, 4);
        painter->setPen(Qt::white);
        painter->drawText(badge, Qt::AlignCenter,
                          painter->fontMetrics().elidedText(badgeText(i), Qt::ElideRight,
                                                            int(badge.width()) - 4));
    }
}

TopologyEdgeItem::TopologyEdgeItem(const TopologyStyle* style, const QPolygonF& points)
    : m_style(style), m_path(pathThrough(points))
{
    setZValue(1);
    if (points.size() >= 2) {
        const QPointF tip = points.last();
        QPointF from = points.at(points.size() - 2);
        if (from == tip && points.size() >= 3)
            from = points.at(points.size() - 3);
        const double angle = std::atan2(tip.y() - from.y(), tip.x() - from.x());
        const QPointF back(std::cos(angle) * ArrowSize, std::sin(angle) * ArrowSize);
        const QPointF side(-back.y() * 0.45, back.x() * 0.45);
        m_arrow << tip << tip - back + side << tip - back - side;
        m_labelPos = m_path.pointAtPercent(0.5);
        m_chord = QLineF(points.first(), points.last());
    }
    m_bounds = m_path.boundingRect()
                   .united(m_arrow.boundingRect())
                   .united(labelRect().adjusted(0, 0, 0, 2))
                   .adjusted(-4, -4, 4, 4);
}

QRectF TopologyEdgeItem::labelRect() const
{
    return QRectF(m_labelPos - QPointF(LabelWidth / 2, 14), QSizeF(LabelWidth, 14));
}

void TopologyEdgeItem::setTraffic(double rate, double errorRatio)
{
    m_rate = rate;
    m_errorRatio = errorRatio;
    const qint64 shownRate = std::llround(rate * 10);
    const qint64 shownErrors = std::llround(errorRatio * 1000);
    if (shownRate == m_shownRate && shownErrors == m_shownErrors)
        return;
    m_shownRate = shownRate;
    m_shownErrors = shownErrors;
    update();
}

QString TopologyEdgeItem::label() const
{
    return tr("%1 rps · %2%")
        .arg(QString::number(m_rate, 'f', 1), QString::number(m_errorRatio * 100, 'f', 1));
}

QColor TopologyEdgeItem::color() const
{
    return shown(m_style,
                 m_rate > 0 ? models::healthColor(m_errorRatio) : QColor(0xbd, 0xbd, 0xbd));
}

void TopologyEdgeItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    const QColor color = this->color();
    const double lod = levelOfDetail(option, painter);
    if (lod < DetailScale) {
        painter->setPen(QPen(color, 0));  // cosmetic hairline, no antialiasing
        painter->drawPath(m_path);
        return;
    }
    painter->setRenderHint(QPainter::Antialiasing);
    const double width = 1 + std::min(4.0, std::log10(1 + m_rate));
    painter->setPen(QPen(color, width));
    painter->setBrush(Qt::NoBrush);
    painter->drawPath(m_path);
    painter->setPen(Qt::NoPen);
    painter->setBrush(color);
    painter->drawPolygon(m_arrow);
    QFont font = painter->font();
    font.setPointSizeF(7.5);
    painter->setFont(font);
    painter->setPen(shown(m_style, m_style->edgeLabel));
    // Wide enough for "1234.5 rps · 100.0%" in any UI font; never clipped.
    painter->drawText(labelRect(), Qt::AlignCenter | Qt::TextDontClip, label());
}

TopologyOverviewItem::TopologyOverviewItem(const std::vector<TopologyEdgeItem*>* edges,
                                           const QRectF& bounds)
    : m_edges(edges), m_bounds(bounds)
{
    setZValue(1);
}

void TopologyOverviewItem::paint(QPainter* painter, const QStyleOptionGraphicsItem*, QWidget*)
{
    // A handful of colours: a short list beats a hash.
    std::vector<std::pair<QRgb, QList<QLineF>>> buckets;
    for (const TopologyEdgeItem* edge : *m_edges) {
        const QRgb rgb = edge->color().rgb();
        auto it = std::find_if(buckets.begin(), buckets.end(),
                               [rgb](const auto& b) { return b.first == rgb; });
        if (it == buckets.end()) {
            buckets.emplace_back(rgb, QList<QLineF>());
            it = buckets.end() - 1;
            it->second.reserve(qsizetype(m_edges->size()));
        }
        it->second.append(edge->chord());
    }
    for (const auto& [rgb, lines] : buckets) {
        painter->setPen(QPen(QColor(rgb), 0));
        painter->drawLines(lines);
    }
}

TopologyClusterItem::TopologyClusterItem(const TopologyStyle* style, const QRectF& rect,
                                         QString nameSpace)
    : m_style(style), m_rect(rect), m_nameSpace(std::move(nameSpace))
{
    setZValue(0);
}

void TopologyClusterItem::paint(QPainter* painter, const QStyleOptionGraphicsItem* option, QWidget*)
{
    painter->setPen(QPen(shown(m_style, m_style->clusterBorder), 0, Qt::DashLine));
    painter->setBrush(shown(m_style, m_style->clusterFill));
    painter->drawRect(m_rect);
    if (levelOfDetail(option, painter) < DetailScale)
        return;
    painter->setPen(shown(m_style, m_style->clusterText));
    painter->drawText(m_rect.adjusted(6, 2, -6, -2), Qt::AlignTop | Qt::AlignLeft,
                      tr("namespace %1").arg(m_nameSpace));
}

}  // namespace concord::widgets
