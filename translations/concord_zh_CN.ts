<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>concord::app</name>
    <message>
        <source>Concord console: version-consistent updates of microservices. Without --controller it starts an embedded controller on the sandbox.</source>
        <translation>Concord 控制台：微服务的版本一致性更新。未指定 --controller 时，将在沙箱上启动内置控制器。</translation>
    </message>
    <message>
        <source>Show this help and exit.</source>
        <translation>显示此帮助并退出。</translation>
    </message>
    <message>
        <source>Show the version and exit.</source>
        <translation>显示版本并退出。</translation>
    </message>
    <message>
        <source>Connect to the concordd at &lt;host:port&gt;.</source>
        <translation>连接到位于 &lt;host:port&gt; 的 concordd。</translation>
    </message>
    <message>
        <source>Bearer token for the controller (default: $CONCORD_TOKEN).</source>
        <translation>控制器的 Bearer 令牌（默认：$CONCORD_TOKEN）。</translation>
    </message>
    <message>
        <source>Use TLS with the system&apos;s root certificates.</source>
        <translation>使用 TLS，信任系统根证书。</translation>
    </message>
    <message>
        <source>Use TLS, trusting the CA certificates in &lt;file&gt; (PEM).</source>
        <translation>使用 TLS，信任 &lt;file&gt; 中的 CA 证书（PEM）。</translation>
    </message>
    <message>
        <source>Topology YAML for the embedded sandbox (default: the example system).</source>
        <translation>内置沙箱的拓扑 YAML（默认：示例系统）。</translation>
    </message>
    <message>
        <source>User interface language: en or zh_CN.</source>
        <translation>界面语言：en 或 zh_CN。</translation>
    </message>
    <message>
        <source>The concordd binary for the embedded sandbox.</source>
        <translation>内置沙箱使用的 concordd 可执行文件。</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;</source>
        <translation>意外的参数“%1”</translation>
    </message>
    <message>
        <source>unknown language &apos;%1&apos; (use en or zh_CN)</source>
        <translation>未知语言“%1”（请使用 en 或 zh_CN）</translation>
    </message>
    <message>
        <source>--controller needs host:port, got &apos;%1&apos;</source>
        <translation>--controller 需要 host:port，实际为“%1”</translation>
    </message>
    <message>
        <source>--sandbox-topology is for the embedded sandbox, not with --controller</source>
        <translation>--sandbox-topology 仅用于内置沙箱，不能与 --controller 同时使用</translation>
    </message>
</context>
<context>
    <name>concord::app::ConnectDialog</name>
    <message>
        <source>Use TLS</source>
        <translation>使用 TLS</translation>
    </message>
    <message>
        <source>Connect to a controller</source>
        <translation>连接到控制器</translation>
    </message>
    <message>
        <source>host:port, e.g. concordd.example.com:7443</source>
        <translation>host:port，例如 concordd.example.com:7443</translation>
    </message>
    <message>
        <source>system root certificates</source>
        <translation>系统根证书</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation>浏览…</translation>
    </message>
    <message>
        <source>Address:</source>
        <translation>地址：</translation>
    </message>
    <message>
        <source>CA certificates:</source>
        <translation>CA 证书：</translation>
    </message>
    <message>
        <source>Token:</source>
        <translation>令牌：</translation>
    </message>
    <message>
        <source>CA certificates</source>
        <translation>CA 证书</translation>
    </message>
    <message>
        <source>PEM files (*.pem *.crt);;All files (*)</source>
        <translation>PEM 文件 (*.pem *.crt);;所有文件 (*)</translation>
    </message>
    <message>
        <source>Enter the controller&apos;s host:port.</source>
        <translation>请输入控制器的 host:port。</translation>
    </message>
    <message>
        <source>The address needs a port between 1 and 65535 (host:port).</source>
        <translation>地址必须包含 1 到 65535 之间的端口（host:port）。</translation>
    </message>
    <message>
        <source>The CA file cannot be read.</source>
        <translation>无法读取 CA 文件。</translation>
    </message>
</context>
<context>
    <name>concord::app::ConsoleSession</name>
    <message>
        <source>Stopped watching update %1: %2</source>
        <translation>已停止监视更新 %1：%2</translation>
    </message>
    <message>
        <source>%1 failed: %2</source>
        <translation>%1 失败：%2</translation>
    </message>
    <message>
        <source>Controller %1: %2</source>
        <translation>控制器 %1：%2</translation>
    </message>
    <message>
        <source>Controller %1: %2 (%3)</source>
        <translation>控制器 %1：%2（%3）</translation>
    </message>
    <message numerus="yes">
        <source>Mesh snapshot: %n service(s)</source>
        <translation>
            <numerusform>网格快照：%n 个服务</numerusform>
        </translation>
    </message>
    <message>
        <source>Version %1 of %2 registered</source>
        <translation>已注册 %2 的版本 %1</translation>
    </message>
    <message>
        <source>%1 %2: %3 → %4</source>
        <translation>%1 %2：%3 → %4</translation>
    </message>
    <message>
        <source>Instance %1 up</source>
        <translation>实例 %1 已上线</translation>
    </message>
    <message>
        <source>Instance %1 down</source>
        <translation>实例 %1 已下线</translation>
    </message>
    <message>
        <source>Service %1 added</source>
        <translation>已添加服务 %1</translation>
    </message>
    <message>
        <source>Service %1 removed</source>
        <translation>已移除服务 %1</translation>
    </message>
    <message>
        <source>Update %1 (%2 %3 → %4): %5, %6</source>
        <translation>更新 %1（%2 %3 → %4）：%5，%6</translation>
    </message>
    <message numerus="yes">
        <source>Update %1 %2; %n inconsistent transaction(s)</source>
        <translation>
            <numerusform>更新 %1 %2；%n 个不一致事务</numerusform>
        </translation>
    </message>
    <message>
        <source>Start update of %1 to %2 (%3)</source>
        <translation>开始将 %1 更新到 %2（%3）</translation>
    </message>
    <message>
        <source>Update %1 started</source>
        <translation>更新 %1 已开始</translation>
    </message>
    <message>
        <source>Abort update %1</source>
        <translation>中止更新 %1</translation>
    </message>
    <message>
        <source>Update %1 is rolling back</source>
        <translation>更新 %1 正在回滚</translation>
    </message>
    <message>
        <source>Force retire the old version of update %1</source>
        <translation>强制下线更新 %1 的旧版本</translation>
    </message>
    <message numerus="yes">
        <source>Update %1 force-retired; %n transaction(s) may have seen two versions</source>
        <translation>
            <numerusform>更新 %1 已强制下线；%n 个事务可能看到了两个版本</numerusform>
        </translation>
    </message>
    <message>
        <source>Register version %1 of %2 (image %3, parent %4)</source>
        <translation>注册 %2 的版本 %1（镜像 %3，父版本 %4）</translation>
    </message>
    <message>
        <source>Export rules to %1</source>
        <translation>导出规则到 %1</translation>
    </message>
    <message>
        <source>the mesh has no services</source>
        <translation>网格中没有服务</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1：%2</translation>
    </message>
    <message>
        <source>Rules exported to %1</source>
        <translation>规则已导出到 %1</translation>
    </message>
</context>
<context>
    <name>concord::app::EmbeddedController</name>
    <message>
        <source>cannot find the concordd binary (use --concordd or $CONCORD_CONCORDD)</source>
        <translation>找不到 concordd 可执行文件（请使用 --concordd 或 $CONCORD_CONCORDD）</translation>
    </message>
    <message>
        <source>cannot create a temporary directory: %1</source>
        <translation>无法创建临时目录：%1</translation>
    </message>
    <message>
        <source>cannot start %1: %2</source>
        <translation>无法启动 %1：%2</translation>
    </message>
    <message>
        <source>the embedded controller was killed</source>
        <translation>内置控制器已被终止</translation>
    </message>
    <message>
        <source>the embedded controller exited with status %1</source>
        <translation>内置控制器已退出，状态码 %1</translation>
    </message>
    <message>
        <source>%1 (log: %2)</source>
        <translation>%1（日志：%2）</translation>
    </message>
</context>
<context>
    <name>concord::app::MainWindow</name>
    <message>
        <source>concordd %1 · API %2 · %3</source>
        <translation>concordd %1 · API %2 · %3</translation>
    </message>
    <message>
        <source>Rules exported to %1</source>
        <translation>规则已导出到 %1</translation>
    </message>
    <message>
        <source>Export rules</source>
        <translation>导出规则</translation>
    </message>
    <message>
        <source>Could not export the rules to %1:
%2</source>
        <translation>无法将规则导出到 %1：
%2</translation>
    </message>
    <message>
        <source>Embedded controller failed: %1</source>
        <translation>内置控制器出错：%1</translation>
    </message>
    <message>
        <source>Embedded controller</source>
        <translation>内置控制器</translation>
    </message>
    <message>
        <source>The embedded sandbox controller could not start:
%1</source>
        <translation>内置沙箱控制器无法启动：
%1</translation>
    </message>
    <message>
        <source>%1; restarting it</source>
        <translation>%1；正在重启</translation>
    </message>
    <message>
        <source>Version trees</source>
        <translation>版本树</translation>
    </message>
    <message>
        <source>Update progress</source>
        <translation>更新进度</translation>
    </message>
    <message>
        <source>Update history</source>
        <translation>更新历史</translation>
    </message>
    <message>
        <source>Event log</source>
        <translation>事件日志</translation>
    </message>
    <message>
        <source>Ctrl+K</source>
        <translation>Ctrl+K</translation>
    </message>
    <message>
        <source>Ctrl+E</source>
        <translation>Ctrl+E</translation>
    </message>
    <message>
        <source>Ctrl+0</source>
        <translation>Ctrl+0</translation>
    </message>
    <message>
        <source>Concord console</source>
        <translation>Concord 控制台</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>文件(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Connect…</source>
        <translation>连接(&amp;C)…</translation>
    </message>
    <message>
        <source>Use the &amp;embedded sandbox</source>
        <translation>使用内置沙箱(&amp;E)</translation>
    </message>
    <message>
        <source>&amp;Export rules as YAML…</source>
        <translation>将规则导出为 YAML(&amp;E)…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>退出(&amp;Q)</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>视图(&amp;V)</translation>
    </message>
    <message>
        <source>Zoom &amp;in</source>
        <translation>放大(&amp;I)</translation>
    </message>
    <message>
        <source>Zoom &amp;out</source>
        <translation>缩小(&amp;O)</translation>
    </message>
    <message>
        <source>&amp;Fit the topology</source>
        <translation>拓扑适应窗口(&amp;F)</translation>
    </message>
    <message>
        <source>&amp;Panels</source>
        <translation>面板(&amp;P)</translation>
    </message>
    <message>
        <source>&amp;Theme</source>
        <translation>主题(&amp;T)</translation>
    </message>
    <message>
        <source>&amp;Light</source>
        <translation>浅色(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Dark</source>
        <translation>深色(&amp;D)</translation>
    </message>
    <message>
        <source>&amp;Language</source>
        <translation>语言(&amp;L)</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>帮助(&amp;H)</translation>
    </message>
    <message>
        <source>&amp;About Concord</source>
        <translation>关于 Concord(&amp;A)</translation>
    </message>
    <message>
        <source>Update %1 started</source>
        <translation>更新 %1 已开始</translation>
    </message>
    <message>
        <source>Connect to %1</source>
        <translation>连接到 %1</translation>
    </message>
    <message>
        <source>Export rules as YAML</source>
        <translation>将规则导出为 YAML</translation>
    </message>
    <message>
        <source>YAML files (*.yaml *.yml)</source>
        <translation>YAML 文件 (*.yaml *.yml)</translation>
    </message>
    <message>
        <source>About Concord</source>
        <translation>关于 Concord</translation>
    </message>
    <message>
        <source>&lt;h3&gt;Concord %1&lt;/h3&gt;&lt;p&gt;Version-consistent dynamic updates of microservices on Kubernetes and Istio: no request ever sees two versions of one service.&lt;/p&gt;&lt;p&gt;Controller: %2 (concordd %3, API %4)&lt;/p&gt;&lt;p&gt;Qt %5&lt;/p&gt;</source>
        <translation>&lt;h3&gt;Concord %1&lt;/h3&gt;&lt;p&gt;基于 Kubernetes 和 Istio 的微服务版本一致性动态更新：任何请求都不会同时看到同一服务的两个版本。&lt;/p&gt;&lt;p&gt;控制器：%2（concordd %3，API %4）&lt;/p&gt;&lt;p&gt;Qt %5&lt;/p&gt;</translation>
    </message>
</context>
<context>
    <name>concord::backend_clients</name>
    <message>
        <source>disconnected</source>
        <translation>已断开</translation>
    </message>
    <message>
        <source>connecting</source>
        <translation>正在连接</translation>
    </message>
    <message>
        <source>connected</source>
        <translation>已连接</translation>
    </message>
    <message>
        <source>reconnecting</source>
        <translation>正在重新连接</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>no controller address given</source>
        <translation>未指定控制器地址</translation>
    </message>
    <message>
        <source>cannot read the CA file %1: %2</source>
        <translation>无法读取 CA 文件 %1：%2</translation>
    </message>
    <message>
        <source>not connected to a controller</source>
        <translation>未连接到控制器</translation>
    </message>
    <message>
        <source>the controller closed the stream</source>
        <translation>控制器关闭了流</translation>
    </message>
    <message>
        <source>%1 without an error message (%2)</source>
        <translation>%1，没有错误信息（%2）</translation>
    </message>
    <message>
        <source>no &quot;error&quot; string in the body</source>
        <translation>响应体中没有 &quot;error&quot; 字符串</translation>
    </message>
    <message>
        <source>no usable orchestrator URL (an http:// or https:// URL is needed): &apos;%1&apos;</source>
        <translation>没有可用的编排器 URL（需要 http:// 或 https:// URL）：&apos;%1&apos;</translation>
    </message>
    <message>
        <source>no PEM certificate could be read from the CA file %1</source>
        <translation>无法从 CA 文件 %1 读取 PEM 证书</translation>
    </message>
    <message>
        <source>%1: no answer within %2 ms (timed out)</source>
        <translation>%1：%2 毫秒内无应答（超时）</translation>
    </message>
    <message>
        <source>%1 (only the system&apos;s CAs are trusted: set the CA certificate file that signed the orchestrator&apos;s certificate)</source>
        <translation>%1（仅信任系统的 CA：请设置签发编排器证书的 CA 证书文件）</translation>
    </message>
    <message>
        <source>unreadable answer from the orchestrator: %1</source>
        <translation>无法解析编排器的应答：%1</translation>
    </message>
</context>
<context>
    <name>concord::models</name>
    <message>
        <source>registered</source>
        <translation>已注册</translation>
    </message>
    <message>
        <source>deploying</source>
        <translation>部署中</translation>
    </message>
    <message>
        <source>serving</source>
        <translation>服务中</translation>
    </message>
    <message>
        <source>draining</source>
        <translation>排空中</translation>
    </message>
    <message>
        <source>retired</source>
        <translation>已下线</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>initial</source>
        <translation>初始</translation>
    </message>
    <message>
        <source>deploy</source>
        <translation>部署</translation>
    </message>
    <message>
        <source>pin</source>
        <translation>固定</translation>
    </message>
    <message>
        <source>switch default</source>
        <translation>切换默认版本</translation>
    </message>
    <message>
        <source>block &amp; lock</source>
        <translation>阻塞并锁定</translation>
    </message>
    <message>
        <source>sync &amp; diff</source>
        <translation>同步并比对</translation>
    </message>
    <message>
        <source>drain</source>
        <translation>排空</translation>
    </message>
    <message>
        <source>retire</source>
        <translation>下线</translation>
    </message>
    <message>
        <source>rollback</source>
        <translation>回滚</translation>
    </message>
    <message>
        <source>CV</source>
        <translation>CV</translation>
    </message>
    <message>
        <source>BF</source>
        <translation>BF</translation>
    </message>
    <message>
        <source>WF</source>
        <translation>WF</translation>
    </message>
    <message>
        <source>quiescence</source>
        <translation>静止</translation>
    </message>
    <message>
        <source>naive</source>
        <translation>朴素</translation>
    </message>
    <message>
        <source>pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>rolling back</source>
        <translation>回滚中</translation>
    </message>
    <message>
        <source>completed</source>
        <translation>已完成</translation>
    </message>
    <message>
        <source>force-retired</source>
        <translation>已强制下线</translation>
    </message>
    <message>
        <source>aborted</source>
        <translation>已中止</translation>
    </message>
    <message>
        <source>timed out</source>
        <translation>已超时</translation>
    </message>
    <message>
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>%1 ms</source>
        <translation>%1 ms</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 min %2 s</source>
        <translation>%1 min %2 s</translation>
    </message>
    <message>
        <source>%1 h %2 min</source>
        <translation>%1 h %2 min</translation>
    </message>
</context>
<context>
    <name>concord::models::EventLogModel</name>
    <message>
        <source>info</source>
        <translation>信息</translation>
    </message>
    <message>
        <source>warning</source>
        <translation>警告</translation>
    </message>
    <message>
        <source>error</source>
        <translation>错误</translation>
    </message>
    <message>
        <source>Time</source>
        <translation>时间</translation>
    </message>
    <message>
        <source>Severity</source>
        <translation>级别</translation>
    </message>
    <message>
        <source>Source</source>
        <translation>来源</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
</context>
<context>
    <name>concord::models::OldInstanceModel</name>
    <message>
        <source>locked</source>
        <translation>已锁定</translation>
    </message>
    <message>
        <source>open</source>
        <translation>未锁定</translation>
    </message>
    <message>
        <source>TraceidSet locked: no trace id is added any more</source>
        <translation>TraceidSet 已锁定：不再添加 trace id</translation>
    </message>
    <message>
        <source>TraceidSet open: new trace ids are still recorded</source>
        <translation>TraceidSet 未锁定：仍在记录新的 trace id</translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>TraceidSet</source>
        <translation>TraceidSet</translation>
    </message>
    <message>
        <source>Lock</source>
        <translation>锁定</translation>
    </message>
</context>
<context>
    <name>concord::models::StragglerModel</name>
    <message>
        <source>Trace id</source>
        <translation>Trace ID</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>持续时间</translation>
    </message>
</context>
<context>
    <name>concord::models::UpdateHistoryModel</name>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>服务</translation>
    </message>
    <message>
        <source>From</source>
        <translation>源版本</translation>
    </message>
    <message>
        <source>To</source>
        <translation>目标版本</translation>
    </message>
    <message>
        <source>Strategy</source>
        <translation>策略</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Requested</source>
        <translation>请求时间</translation>
    </message>
    <message>
        <source>Finished</source>
        <translation>完成时间</translation>
    </message>
    <message>
        <source>Timeliness</source>
        <translation>及时性</translation>
    </message>
    <message>
        <source>Disruption</source>
        <translation>中断</translation>
    </message>
    <message>
        <source>Inconsistent</source>
        <translation>不一致</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Peak instances</source>
        <translation>峰值实例数</translation>
    </message>
</context>
<context>
    <name>concord::models::VersionTreeModel</name>
    <message>
        <source>updating</source>
        <translation>更新中</translation>
    </message>
    <message>
        <source>serving %1</source>
        <translation>服务中：%1</translation>
    </message>
    <message>
        <source>%1 %2%</source>
        <translation>%1 %2%</translation>
    </message>
    <message>
        <source>%1 (+%2 starting)</source>
        <translation>%1（+%2 启动中）</translation>
    </message>
    <message>
        <source>%1 %</source>
        <translation>%1 %</translation>
    </message>
    <message>
        <source>%1 s</source>
        <translation>%1 s</translation>
    </message>
    <message>
        <source>%1 m</source>
        <translation>%1 m</translation>
    </message>
    <message>
        <source>%1 h</source>
        <translation>%1 h</translation>
    </message>
    <message>
        <source>%1 d</source>
        <translation>%1 d</translation>
    </message>
    <message>
        <source>Version</source>
        <translation>版本</translation>
    </message>
    <message>
        <source>Image</source>
        <translation>镜像</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>存在时间</translation>
    </message>
    <message>
        <source>State</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Instances</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Traffic</source>
        <translation>流量</translation>
    </message>
</context>
<context>
    <name>concord::widgets::ConnectionBar</name>
    <message>
        <source>TLS</source>
        <translation>TLS</translation>
    </message>
    <message>
        <source>Connect</source>
        <translation>连接</translation>
    </message>
    <message>
        <source>Retry now</source>
        <translation>立即重试</translation>
    </message>
    <message>
        <source>host:port</source>
        <translation>host:port</translation>
    </message>
    <message>
        <source>token</source>
        <translation>令牌</translation>
    </message>
    <message>
        <source>Controller:</source>
        <translation>控制器：</translation>
    </message>
    <message>
        <source>the embedded sandbox (%1)</source>
        <translation>内置沙箱（%1）</translation>
    </message>
    <message>
        <source>Not connected</source>
        <translation>未连接</translation>
    </message>
    <message>
        <source>Connecting to %1…</source>
        <translation>正在连接 %1…</translation>
    </message>
    <message>
        <source>operator</source>
        <translation>操作员</translation>
    </message>
    <message>
        <source>viewer</source>
        <translation>只读用户</translation>
    </message>
    <message>
        <source>Connected to %1 — %2, as %3</source>
        <translation>已连接到 %1 — %2，身份：%3</translation>
    </message>
    <message>
        <source>Failed: %1</source>
        <translation>失败：%1</translation>
    </message>
    <message numerus="yes">
        <source>Reconnecting in %n s — %1</source>
        <translation>
            <numerusform>%n s 后重新连接 — %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>concord::widgets::EventLogPanel</name>
    <message>
        <source>Filter events</source>
        <translation>筛选事件</translation>
    </message>
    <message>
        <source>All events</source>
        <translation>全部事件</translation>
    </message>
    <message>
        <source>Warnings and errors</source>
        <translation>警告和错误</translation>
    </message>
    <message>
        <source>Errors only</source>
        <translation>仅错误</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Clear</source>
        <translation>清空</translation>
    </message>
    <message>
        <source>&amp;Copy</source>
        <translation>复制(&amp;C)</translation>
    </message>
</context>
<context>
    <name>concord::widgets::GraphLayoutEngine</name>
    <message>
        <source>Graphviz could not lay out the graph.</source>
        <translation>Graphviz 无法完成图的布局。</translation>
    </message>
</context>
<context>
    <name>concord::widgets::PhaseStepper</name>
    <message>
        <source>entered %1, current</source>
        <translation>于 %1 进入，当前阶段</translation>
    </message>
    <message>
        <source>%1 – %2 (%3)</source>
        <translation>%1 – %2（%3）</translation>
    </message>
    <message>
        <source>not reached</source>
        <translation>未到达</translation>
    </message>
</context>
<context>
    <name>concord::widgets::RegisterVersionDialog</name>
    <message>
        <source>Register child version</source>
        <translation>注册子版本</translation>
    </message>
    <message>
        <source>e.g. v3</source>
        <translation>例如 v3</translation>
    </message>
    <message>
        <source>e.g. registry.example/%1:3.0.0</source>
        <translation>例如 registry.example/%1:3.0.0</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>服务：</translation>
    </message>
    <message>
        <source>Parent version:</source>
        <translation>父版本：</translation>
    </message>
    <message>
        <source>Name:</source>
        <translation>名称：</translation>
    </message>
    <message>
        <source>Image:</source>
        <translation>镜像：</translation>
    </message>
    <message>
        <source>Register</source>
        <translation>注册</translation>
    </message>
    <message>
        <source>The service has no version to derive from.</source>
        <translation>该服务没有可派生的版本。</translation>
    </message>
    <message>
        <source>Enter a name for the new version.</source>
        <translation>请输入新版本的名称。</translation>
    </message>
    <message>
        <source>The name is longer than %1 characters.</source>
        <translation>名称超过 %1 个字符。</translation>
    </message>
    <message>
        <source>The name must be lowercase letters, digits and &apos;-&apos;, starting and ending with a letter or digit.</source>
        <translation>名称只能包含小写字母、数字和“-”，且必须以字母或数字开头和结尾。</translation>
    </message>
    <message>
        <source>%1 already has a version named %2.</source>
        <translation>%1 已有名为 %2 的版本。</translation>
    </message>
    <message>
        <source>Enter the container image.</source>
        <translation>请输入容器镜像。</translation>
    </message>
    <message>
        <source>The image must not contain spaces.</source>
        <translation>镜像不能包含空格。</translation>
    </message>
    <message>
        <source>Not registered: %1</source>
        <translation>未注册：%1</translation>
    </message>
</context>
<context>
    <name>concord::widgets::TopologyItems</name>
    <message>
        <source>Namespace %1: %2 services, collapsed</source>
        <translation>命名空间 %1：%2 个服务，已折叠</translation>
    </message>
    <message>
        <source>%1 (namespace %2)</source>
        <translation>%1（命名空间 %2）</translation>
    </message>
    <message>
        <source>%1 %2% ⟳%3</source>
        <translation>%1 %2% ⟳%3</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <translation>%1 %2</translation>
    </message>
    <message>
        <source>%1 %2%</source>
        <translation>%1 %2%</translation>
    </message>
    <message>
        <source>ingress</source>
        <translation>入口</translation>
    </message>
    <message>
        <source>%1 (%2 services)</source>
        <translation>%1（%2 个服务）</translation>
    </message>
    <message>
        <source>%1 rps · %2%</source>
        <translation>%1 rps · %2%</translation>
    </message>
    <message>
        <source>namespace %1</source>
        <translation>命名空间 %1</translation>
    </message>
</context>
<context>
    <name>concord::widgets::TopologyView</name>
    <message>
        <source>Expand namespace %1</source>
        <translation>展开命名空间 %1</translation>
    </message>
    <message>
        <source>Collapse namespace %1</source>
        <translation>折叠命名空间 %1</translation>
    </message>
    <message>
        <source>Fit to view</source>
        <translation>适应窗口</translation>
    </message>
    <message>
        <source>Zoom in</source>
        <translation>放大</translation>
    </message>
    <message>
        <source>Zoom out</source>
        <translation>缩小</translation>
    </message>
</context>
<context>
    <name>concord::widgets::UpdateDialog</name>
    <message>
        <source>Concurrent versions: both versions serve; each transaction stays on the version it started on. Nothing blocks.</source>
        <translation>并发版本：两个版本同时提供服务；每个事务始终停留在其开始时所在的版本。不阻塞任何请求。</translation>
    </message>
    <message>
        <source>Block for free: new requests to the service are held until the old version&apos;s transactions finish, then the default switches.</source>
        <translation>阻塞至空闲：发往该服务的新请求将被暂缓，直到旧版本的事务全部结束，随后切换默认版本。</translation>
    </message>
    <message>
        <source>Wait for free: nothing blocks; the switch happens the first moment no transaction depends on the old version, or the update rolls back at the timeout.</source>
        <translation>等待空闲：不阻塞任何请求；一旦没有事务依赖旧版本即刻切换，超时则回滚更新。</translation>
    </message>
    <message>
        <source>Naive: swap at once, like a rolling update.</source>
        <translation>朴素：立即切换，类似滚动更新。</translation>
    </message>
    <message>
        <source>Update %1</source>
        <translation>更新 %1</translation>
    </message>
    <message>
        <source>Update %1 to %2</source>
        <translation>将 %1 更新到 %2</translation>
    </message>
    <message>
        <source>Update %1 from %2 to %3</source>
        <translation>将 %1 从 %2 更新到 %3</translation>
    </message>
    <message>
        <source>The controller is unreachable. Your choices are kept; Start is possible again once it is back.</source>
        <translation>无法连接控制器。您的选择已保留；控制器恢复后即可再次点击“开始”。</translation>
    </message>
    <message>
        <source>Start</source>
        <translation>开始</translation>
    </message>
    <message>
        <source>Show unsafe strategies</source>
        <translation>显示不安全的策略</translation>
    </message>
    <message>
        <source>Strategy:</source>
        <translation>策略：</translation>
    </message>
    <message>
        <source>Naive swaps versions at once: one request may reach the old version of this service and another request of the same transaction the new one. Transactions may see mixed versions and fail or corrupt data.</source>
        <translation>朴素策略会立即切换版本：同一事务中，一个请求可能到达该服务的旧版本，而另一个请求到达新版本。事务可能看到混合的版本，导致失败或数据损坏。</translation>
    </message>
    <message>
        <source>I accept that transactions may mix versions</source>
        <translation>我接受事务可能混用版本</translation>
    </message>
    <message>
        <source> s</source>
        <translation> s</translation>
    </message>
    <message>
        <source>Transactions still unfinished after this long are reported as stragglers.</source>
        <translation>超过此时长仍未完成的事务将被报告为滞留事务。</translation>
    </message>
    <message>
        <source>Straggler TTL:</source>
        <translation>滞留事务 TTL：</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>BF and WF give up and roll back after this long; 0 = no timeout.</source>
        <translation>BF 和 WF 超过此时长将放弃并回滚；0 = 不超时。</translation>
    </message>
    <message>
        <source>Timeout:</source>
        <translation>超时：</translation>
    </message>
    <message>
        <source>Copy</source>
        <translation>复制</translation>
    </message>
    <message>
        <source>Copy this phase&apos;s YAML to the clipboard</source>
        <translation>将此阶段的 YAML 复制到剪贴板</translation>
    </message>
    <message>
        <source>Plan:</source>
        <translation>计划：</translation>
    </message>
    <message>
        <source>%1 (unsafe)</source>
        <translation>%1（不安全）</translation>
    </message>
    <message>
        <source>Planning…</source>
        <translation>正在规划…</translation>
    </message>
    <message>
        <source>Waiting for the controller…</source>
        <translation>正在等待控制器…</translation>
    </message>
    <message>
        <source>%1. %2</source>
        <translation>%1. %2</translation>
    </message>
    <message>
        <source>%1. %2 (rules unchanged)</source>
        <translation>%1. %2（规则不变）</translation>
    </message>
    <message>
        <source>No plan: %1</source>
        <translation>无计划：%1</translation>
    </message>
    <message>
        <source>%1 (rules unchanged)</source>
        <translation>%1（规则不变）</translation>
    </message>
    <message>
        <source>The update did not start: %1</source>
        <translation>更新未启动：%1</translation>
    </message>
</context>
<context>
    <name>concord::widgets::UpdateHistoryPanel</name>
    <message>
        <source>The controller is unreachable: showing the last history.</source>
        <translation>无法连接控制器：显示最近一次获取的历史记录。</translation>
    </message>
    <message>
        <source>Select an update to see its metrics.</source>
        <translation>选择一个更新以查看其指标。</translation>
    </message>
    <message>
        <source>%1 by %2: held requests %3 · rejected requests %4 · retried requests %5 · stragglers %6 · possible violations %7</source>
        <translation>%1（由 %2 发起）：暂缓请求 %3 · 拒绝请求 %4 · 重试请求 %5 · 滞留事务 %6 · 可能的违规 %7</translation>
    </message>
    <message>
        <source>%1
%2</source>
        <translation>%1
%2</translation>
    </message>
</context>
<context>
    <name>concord::widgets::UpdateProgressPanel</name>
    <message>
        <source>&amp;Update:</source>
        <translation>更新(&amp;U)：</translation>
    </message>
    <message>
        <source>The controller is unreachable: showing the last progress.</source>
        <translation>无法连接控制器：显示最近一次获取的进度。</translation>
    </message>
    <message>
        <source>DiffSet size</source>
        <translation>DiffSet 大小</translation>
    </message>
    <message>
        <source>completed / s</source>
        <translation>已完成 / s</translation>
    </message>
    <message>
        <source>seconds since start</source>
        <translation>自开始以来的秒数</translation>
    </message>
    <message>
        <source>Old instances</source>
        <translation>旧实例</translation>
    </message>
    <message>
        <source>Reason for abort or force retire (journalled)</source>
        <translation>中止或强制下线的原因（记入日志）</translation>
    </message>
    <message>
        <source>&amp;Abort…</source>
        <translation>中止(&amp;A)…</translation>
    </message>
    <message>
        <source>&amp;Force retire…</source>
        <translation>强制下线(&amp;F)…</translation>
    </message>
    <message>
        <source>No update is running.</source>
        <translation>没有正在进行的更新。</translation>
    </message>
    <message>
        <source>%1: %2 → %3 · %4 · %5</source>
        <translation>%1：%2 → %3 · %4 · %5</translation>
    </message>
    <message numerus="yes">
        <source>DiffSet: %1 · completed: %2 · %n inconsistent transaction(s)</source>
        <translation>
            <numerusform>DiffSet：%1 · 已完成：%2 · %n 个不一致事务</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n straggler(s), %1 listed</source>
        <translation>
            <numerusform>%n 个滞留事务，已列出 %1 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n straggler(s)</source>
        <translation>
            <numerusform>%n 个滞留事务</numerusform>
        </translation>
    </message>
    <message>
        <source>Retire the old version although its DiffSet is not empty</source>
        <translation>在 DiffSet 非空的情况下下线旧版本</translation>
    </message>
    <message>
        <source>Possible while the update drains</source>
        <translation>仅在更新处于排空阶段时可用</translation>
    </message>
    <message>
        <source>%1 %2 → %3 (%4)</source>
        <translation>%1 %2 → %3（%4）</translation>
    </message>
    <message>
        <source>Abort the update of %1 from %2 to %3?
The rules return to %2; transactions pinned to %3 finish there before its instances go.</source>
        <translation>中止 %1 从 %2 到 %3 的更新？
规则将恢复为 %2；固定到 %3 的事务会在其实例下线前在该版本上完成。</translation>
    </message>
    <message>
        <source>Abort update</source>
        <translation>中止更新</translation>
    </message>
    <message>
        <source>Aborted from the console</source>
        <translation>从控制台中止</translation>
    </message>
    <message numerus="yes">
        <source>Retire %1 %2 now although its DiffSet is not empty?
%n transaction(s) still in flight may see two versions (stragglers: %3); they are recorded as possible consistency violations.</source>
        <translation>
            <numerusform>DiffSet 非空，仍要立即下线 %1 %2？
仍在进行中的 %n 个事务可能看到两个版本（滞留事务：%3）；它们将被记录为可能的一致性违规。</numerusform>
        </translation>
    </message>
    <message>
        <source>Force retire</source>
        <translation>强制下线</translation>
    </message>
    <message>
        <source>Force-retired from the console</source>
        <translation>从控制台强制下线</translation>
    </message>
</context>
<context>
    <name>concord::widgets::VersionTreePanel</name>
    <message>
        <source>starting</source>
        <translation>启动中</translation>
    </message>
    <message>
        <source>up</source>
        <translation>在线</translation>
    </message>
    <message>
        <source>down</source>
        <translation>离线</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>Filter by service, version or image</source>
        <translation>按服务、版本或镜像筛选</translation>
    </message>
    <message>
        <source>Controller unreachable: showing the last known versions.</source>
        <translation>无法连接控制器：显示最近已知的版本。</translation>
    </message>
    <message>
        <source>Service:</source>
        <translation>服务：</translation>
    </message>
    <message>
        <source>Version:</source>
        <translation>版本：</translation>
    </message>
    <message>
        <source>Parent:</source>
        <translation>父版本：</translation>
    </message>
    <message>
        <source>Image:</source>
        <translation>镜像：</translation>
    </message>
    <message>
        <source>Created:</source>
        <translation>创建时间：</translation>
    </message>
    <message>
        <source>State:</source>
        <translation>状态：</translation>
    </message>
    <message>
        <source>Instances:</source>
        <translation>实例：</translation>
    </message>
    <message>
        <source>Traffic share:</source>
        <translation>流量占比：</translation>
    </message>
    <message>
        <source>Update to this version…</source>
        <translation>更新到此版本…</translation>
    </message>
    <message>
        <source>Register child version…</source>
        <translation>注册子版本…</translation>
    </message>
    <message>
        <source>This version is serving already.</source>
        <translation>此版本已在提供服务。</translation>
    </message>
    <message>
        <source>—</source>
        <translation>—</translation>
    </message>
    <message>
        <source>none (root)</source>
        <translation>无（根版本）</translation>
    </message>
    <message>
        <source>%1 (%2 ago)</source>
        <translation>%1（%2 前）</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s): %1</source>
        <translation>
            <numerusform>%n 个实例：%1</numerusform>
        </translation>
    </message>
</context>
</TS>
