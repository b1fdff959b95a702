#pragma once

#include <QString>

namespace concord::app {

// The console's palettes: the platform's own ("system"), or Fusion with a
// light or a dark palette, so the views are checked on both.
enum class Theme
{
    System,
    Light,
    Dark
};

void applyTheme(Theme theme);
Theme themeFromName(const QString& name);  // "system", "light", "dark"
QString themeName(Theme theme);

}  // namespace concord::app
