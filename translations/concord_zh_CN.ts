<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
<context>
    <name>AgeText</name>
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
</context>
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
    <message numerus="yes">
        <source>Resources: %n resource(s)</source>
        <translation>
            <numerusform>资源：%n 个资源</numerusform>
        </translation>
    </message>
    <message>
        <source>Resource %1: %2 → %3</source>
        <translation>资源 %1：%2 → %3</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>Enable the probe of resource %1</source>
        <translation>启用资源 %1 的探针</translation>
    </message>
    <message>
        <source>Disable the probe of resource %1</source>
        <translation>禁用资源 %1 的探针</translation>
    </message>
    <message>
        <source>Resource %1 at generation %2</source>
        <translation>资源 %1 现为第 %2 代</translation>
    </message>
    <message>
        <source>Delete resource %1</source>
        <translation>删除资源 %1</translation>
    </message>
    <message>
        <source>Resource %1 deleted</source>
        <translation>已删除资源 %1</translation>
    </message>
    <message>
        <source>Update resource %1</source>
        <translation>更新资源 %1</translation>
    </message>
    <message>
        <source>Resource %1 updated to generation %2</source>
        <translation>资源 %1 已更新到第 %2 代</translation>
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
    <message>
        <source>Resources</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>Orchestration</source>
        <translation>编排</translation>
    </message>
    <message>
        <source>The controller is unreachable.</source>
        <translation>无法连接控制器。</translation>
    </message>
    <message>
        <source>Your token is a viewer&apos;s: it can read Resources, not change them.</source>
        <translation>您的令牌属于只读用户：只能读取资源，不能修改。</translation>
    </message>
    <message>
        <source>Resource %1 saved</source>
        <translation>资源 %1 已保存</translation>
    </message>
    <message>
        <source>Your token is a viewer&apos;s: it can look at orchestrations, not re-orchestrate.</source>
        <translation>您的令牌属于只读用户：只能查看编排，不能重新编排。</translation>
    </message>
</context>
<context>
    <name>concord::app::OrchestrationSession</name>
    <message>
        <source>not connected to a controller</source>
        <translation>未连接到控制器</translation>
    </message>
    <message>
        <source>the controller serves no orchestrator API</source>
        <translation>控制器未提供编排器 API</translation>
    </message>
    <message>
        <source>Orchestrator API at %1</source>
        <translation>编排器 API 位于 %1</translation>
    </message>
    <message>
        <source>the controller is unreachable</source>
        <translation>无法连接控制器</translation>
    </message>
    <message>
        <source>The orchestration of %1 reads again</source>
        <translation>已恢复读取 %1 的编排</translation>
    </message>
    <message>
        <source>Reading the orchestration of %1 failed: %2</source>
        <translation>读取 %1 的编排失败：%2</translation>
    </message>
    <message numerus="yes">
        <source>The orchestration of %1 is ready: %n instance(s) running</source>
        <translation>
            <numerusform>%1 的编排已就绪：%n 个实例正在运行</numerusform>
        </translation>
    </message>
    <message>
        <source>Instance %1 was recreated (pod %2)</source>
        <translation>实例 %1 已重建（Pod %2）</translation>
    </message>
    <message>
        <source>Re-orchestrate %1: initInstances %2, maxInstances %3, resourcePerInstance %4</source>
        <translation>重新编排 %1：initInstances %2，maxInstances %3，resourcePerInstance %4</translation>
    </message>
    <message>
        <source>Re-orchestration of %1 started</source>
        <translation>%1 的重新编排已开始</translation>
    </message>
    <message>
        <source>Re-orchestration of %1 refused: %2</source>
        <translation>%1 的重新编排被拒绝：%2</translation>
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
    <message>
        <source>Available</source>
        <translation>可用</translation>
    </message>
    <message>
        <source>Progressing</source>
        <translation>进行中</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>已降级</translation>
    </message>
    <message>
        <source>Disabled</source>
        <translation>已禁用</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
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
    <name>concord::models::OrchestrationInstanceModel</name>
    <message>
        <source>%1 / %2</source>
        <translation>%1 / %2</translation>
    </message>
    <message>
        <source>%1: %2%3</source>
        <translation>%1：%2%3</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>%1 of %2 resource slots used (%3 %)</source>
        <translation>已使用 %1 / %2 个资源槽位（%3 %）</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… 还有 %n 个</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n resource(s):</source>
        <translation>
            <numerusform>%n 个资源：</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The instance reloaded its resource set %n time(s)</source>
        <translation>
            <numerusform>该实例已重新加载其资源集 %n 次</numerusform>
        </translation>
    </message>
    <message>
        <source>never</source>
        <translation>无</translation>
    </message>
    <message>
        <source>Last heartbeat %1: missed the %2 s window, the orchestrator recreates the instance</source>
        <translation>上次心跳：%1；已超出 %2 秒的时间窗口，编排器将重建该实例</translation>
    </message>
    <message>
        <source>Last heartbeat %1</source>
        <translation>上次心跳：%1</translation>
    </message>
    <message numerus="yes">
        <source>Pod %1: %2; recreated %n time(s)</source>
        <translation>
            <numerusform>Pod %1：%2；已重建 %n 次</numerusform>
        </translation>
    </message>
    <message>
        <source>Instance</source>
        <translation>实例</translation>
    </message>
    <message>
        <source>Used / count</source>
        <translation>已用 / 容量</translation>
    </message>
    <message>
        <source>Resources</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>Reloads</source>
        <translation>重载次数</translation>
    </message>
    <message>
        <source>Heartbeat</source>
        <translation>心跳</translation>
    </message>
    <message>
        <source>Pod</source>
        <translation>Pod</translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>%n s 前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min 前</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n h 前</numerusform>
        </translation>
    </message>
    <message>
        <source>Running</source>
        <translation>运行中</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>等待中</translation>
    </message>
    <message>
        <source>Succeeded</source>
        <translation>已成功</translation>
    </message>
    <message>
        <source>Failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
</context>
<context>
    <name>concord::models::OrchestrationParameters</name>
    <message>
        <source>%1–maxInstances</source>
        <translation>%1–maxInstances</translation>
    </message>
    <message>
        <source>%1–%2</source>
        <translation>%1–%2</translation>
    </message>
    <message>
        <source>initInstances: the fewest instances to spread the resources over, %1 to maxInstances. With fewer resources than that many instances would need, each instance gets an equal share. Empty: %2, or maxInstances when that is smaller.</source>
        <translation>initInstances：分摊资源的最少实例数，取值 %1 到 maxInstances。若资源数量不足以填满这么多实例，则每个实例平均分配。留空：%2；若 maxInstances 更小，则为 maxInstances。</translation>
    </message>
    <message>
        <source>maxInstances: the most instances (pods) the orchestrator may create, %1 to %2. If the resources need more, the orchestration is refused.</source>
        <translation>maxInstances：编排器最多可创建的实例（Pod）数，取值 %1 到 %2。若资源需要更多实例，编排将被拒绝。</translation>
    </message>
    <message>
        <source>resourcePerInstance: how many resources one instance takes at most, %1 to %2. The orchestrator plans count / resourcePerInstance + 1 instances.</source>
        <translation>resourcePerInstance：单个实例最多承载的资源数，取值 %1 到 %2。编排器计划创建 count / resourcePerInstance + 1 个实例。</translation>
    </message>
    <message>
        <source>%1 must be between %2 and maxInstances, got %3</source>
        <translation>%1 必须介于 %2 与 maxInstances 之间，实际为 %3</translation>
    </message>
    <message>
        <source>%1 must be between %2 and maxInstances (%3), got %4</source>
        <translation>%1 必须介于 %2 与 maxInstances（%3）之间，实际为 %4</translation>
    </message>
    <message>
        <source>%1 must be between %2 and %3, got %4</source>
        <translation>%1 必须介于 %2 与 %3 之间，实际为 %4</translation>
    </message>
    <message>
        <source>%1 is required (%2)</source>
        <translation>%1 为必填项（%2）</translation>
    </message>
    <message>
        <source>%1 must be a whole number (%2), got &quot;%3&quot;</source>
        <translation>%1 必须是整数（%2），实际为“%3”</translation>
    </message>
    <message>
        <source>require instances more than the max: %1/%2</source>
        <translation>所需实例数超过上限：%1/%2</translation>
    </message>
</context>
<context>
    <name>concord::models::ResourceModel</name>
    <message>
        <source>none</source>
        <translation>无</translation>
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
        <source>failed</source>
        <translation>失败</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>on</source>
        <translation>开</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message>
        <source>%1/%2</source>
        <translation>%1/%2</translation>
    </message>
    <message>
        <source>Id</source>
        <translation>ID</translation>
    </message>
    <message>
        <source>Kind</source>
        <translation>类型</translation>
    </message>
    <message>
        <source>Probe</source>
        <translation>探针</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Probe phase</source>
        <translation>探针阶段</translation>
    </message>
    <message>
        <source>Room</source>
        <translation>房间</translation>
    </message>
    <message>
        <source>Generation</source>
        <translation>代次</translation>
    </message>
    <message>
        <source>Age</source>
        <translation>存在时间</translation>
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
    <name>concord::widgets::OrchestrationPage</name>
    <message>
        <source>Ready</source>
        <translation>就绪</translation>
    </message>
    <message>
        <source>Orchestrating</source>
        <translation>编排中</translation>
    </message>
    <message>
        <source>Not orchestrated</source>
        <translation>未编排</translation>
    </message>
    <message>
        <source>initInstances</source>
        <translation>initInstances</translation>
    </message>
    <message>
        <source>maxInstances</source>
        <translation>maxInstances</translation>
    </message>
    <message>
        <source>resourcePerInstance</source>
        <translation>resourcePerInstance</translation>
    </message>
    <message>
        <source>Re-orchestrate…</source>
        <translation>重新编排…</translation>
    </message>
    <message>
        <source>default</source>
        <translation>默认</translation>
    </message>
    <message>
        <source>Used</source>
        <translation>已用</translation>
    </message>
    <message>
        <source>Free</source>
        <translation>空闲</translation>
    </message>
    <message>
        <source>instance (%1-N)</source>
        <translation>实例（%1-N）</translation>
    </message>
    <message>
        <source>resources</source>
        <translation>资源</translation>
    </message>
    <message>
        <source>Load per instance: resources used of its capacity</source>
        <translation>每个实例的负载：已用资源 / 容量</translation>
    </message>
    <message>
        <source>Which instance runs resource</source>
        <translation>查询运行资源的实例</translation>
    </message>
    <message>
        <source>a %1 id</source>
        <translation>%1 的 ID</translation>
    </message>
    <message>
        <source>A resource id; the orchestrator names the instance it is placed on</source>
        <translation>资源 ID；编排器会给出该资源所在的实例</translation>
    </message>
    <message>
        <source>Find</source>
        <translation>查找</translation>
    </message>
    <message>
        <source>e.g. %1</source>
        <translation>例如 %1</translation>
    </message>
    <message>
        <source>Re-orchestration started</source>
        <translation>重新编排已开始</translation>
    </message>
    <message>
        <source>Re-orchestration refused: %1</source>
        <translation>重新编排被拒绝：%1</translation>
    </message>
    <message>
        <source>%1 runs in %2</source>
        <translation>%1 运行在 %2 上</translation>
    </message>
    <message>
        <source>%1 runs in %2 (not in the table yet)</source>
        <translation>%1 运行在 %2 上（尚未出现在表格中）</translation>
    </message>
    <message>
        <source>(%1)</source>
        <translation>（%1）</translation>
    </message>
    <message numerus="yes">
        <source>Plan: %1 over %n instance(s) of at most %2 each</source>
        <translation>
            <numerusform>计划：%1 分布在 %n 个实例上，每个实例最多 %2 个</numerusform>
        </translation>
    </message>
    <message>
        <source>The orchestrator would refuse this: %1</source>
        <translation>编排器将拒绝此设置：%1</translation>
    </message>
    <message>
        <source>No orchestrator: %1</source>
        <translation>没有可用的编排器：%1</translation>
    </message>
    <message>
        <source>Correct the parameters first</source>
        <translation>请先更正参数</translation>
    </message>
    <message>
        <source>Spread the %1 resources over fresh instances with these parameters</source>
        <translation>按这些参数将 %1 资源分布到新的实例上</translation>
    </message>
    <message numerus="yes">
        <source>Re-orchestrate the %1 over %n instance(s) of at most %2 each?</source>
        <translation>
            <numerusform>将 %1 重新编排到 %n 个实例上，每个实例最多 %2 个？</numerusform>
        </translation>
    </message>
    <message>
        <source>Re-orchestrate the %1 resources with initInstances %2, maxInstances %3 and resourcePerInstance %4?</source>
        <translation>以 initInstances %2、maxInstances %3 和 resourcePerInstance %4 重新编排 %1 资源？</translation>
    </message>
    <message>
        <source>Every instance reloads its resources; new pods start Pending, and the orchestration is Orchestrating until each has sent its first heartbeat.</source>
        <translation>每个实例都会重新加载其资源；新的 Pod 以“等待中”状态启动，编排将保持“编排中”，直到每个 Pod 都发送了第一次心跳。</translation>
    </message>
    <message>
        <source>Re-orchestrate</source>
        <translation>重新编排</translation>
    </message>
    <message>
        <source>Re-orchestrating…</source>
        <translation>正在重新编排…</translation>
    </message>
    <message>
        <source>Looking up %1…</source>
        <translation>正在查找 %1…</translation>
    </message>
    <message numerus="yes">
        <source>%Ln thing(s)</source>
        <translation>
            <numerusform>%Ln 个事物</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln rule(s)</source>
        <translation>
            <numerusform>%Ln 条规则</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln resource(s)</source>
        <translation>
            <numerusform>%Ln 个资源</numerusform>
        </translation>
    </message>
    <message>
        <source>No orchestration read yet.</source>
        <translation>尚未读取编排。</translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s)</source>
        <translation>
            <numerusform>%n 个实例</numerusform>
        </translation>
    </message>
    <message>
        <source>last orchestrated %1</source>
        <translation>上次编排于 %1</translation>
    </message>
    <message>
        <source>Could not read the orchestration: %1</source>
        <translation>无法读取编排：%1</translation>
    </message>
    <message>
        <source>%1 / %2 instances ready</source>
        <translation>%1 / %2 个实例已就绪</translation>
    </message>
</context>
<context>
    <name>concord::widgets::OrchestrationPanel</name>
    <message>
        <source>Things</source>
        <translation>事物</translation>
    </message>
    <message>
        <source>Rules</source>
        <translation>规则</translation>
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
    <name>concord::widgets::ResourceYamlDialog</name>
    <message>
        <source>Edit resource %1</source>
        <translation>编辑资源 %1</translation>
    </message>
    <message>
        <source>Resource %1</source>
        <translation>资源 %1</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>正在加载…</translation>
    </message>
    <message>
        <source>The controller is unreachable. Your text is kept; Save is possible again once it is back.</source>
        <translation>无法连接控制器。您的文本已保留；控制器恢复后即可再次点击“保存”。</translation>
    </message>
    <message>
        <source>Reload</source>
        <translation>重新加载</translation>
    </message>
    <message>
        <source>Save</source>
        <translation>保存</translation>
    </message>
    <message>
        <source>Could not load the resource: %1</source>
        <translation>无法加载资源：%1</translation>
    </message>
    <message>
        <source>The controller refused the manifest: %1</source>
        <translation>控制器拒绝了该清单：%1</translation>
    </message>
    <message>
        <source>%1 changed since you opened it. Reload to edit the current version (this discards your changes; copy them first to keep them).</source>
        <translation>%1 在您打开后已被更改。请点击“重新加载”以编辑当前版本（这会丢弃您的更改；如需保留，请先复制）。</translation>
    </message>
    <message>
        <source>%1 no longer exists: it was deleted since you opened it.</source>
        <translation>%1 已不存在：它在您打开后已被删除。</translation>
    </message>
    <message>
        <source>Could not save: %1</source>
        <translation>无法保存：%1</translation>
    </message>
</context>
<context>
    <name>concord::widgets::ResourcesPanel</name>
    <message>
        <source>Available</source>
        <translation>Available</translation>
    </message>
    <message>
        <source>Progressing</source>
        <translation>Progressing</translation>
    </message>
    <message>
        <source>Degraded</source>
        <translation>Degraded</translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation>Unknown</translation>
    </message>
    <message>
        <source>True</source>
        <translation>True</translation>
    </message>
    <message>
        <source>False</source>
        <translation>False</translation>
    </message>
    <message>
        <source>Controller unreachable: showing the last known resources.</source>
        <translation>无法连接控制器：显示最近已知的资源。</translation>
    </message>
    <message>
        <source>Filter by id</source>
        <translation>按 ID 筛选</translation>
    </message>
    <message>
        <source>All kinds</source>
        <translation>全部类型</translation>
    </message>
    <message>
        <source>Any status</source>
        <translation>全部状态</translation>
    </message>
    <message>
        <source>Spec</source>
        <translation>规约</translation>
    </message>
    <message>
        <source>Attributes:</source>
        <translation>属性：</translation>
    </message>
    <message>
        <source>Where:</source>
        <translation>位置：</translation>
    </message>
    <message>
        <source>When:</source>
        <translation>时间：</translation>
    </message>
    <message>
        <source>Probe</source>
        <translation>探针</translation>
    </message>
    <message>
        <source>Image:</source>
        <translation>镜像：</translation>
    </message>
    <message>
        <source>Command:</source>
        <translation>命令：</translation>
    </message>
    <message>
        <source>Arguments:</source>
        <translation>参数：</translation>
    </message>
    <message>
        <source>Enabled:</source>
        <translation>已启用：</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>状态</translation>
    </message>
    <message>
        <source>Generation:</source>
        <translation>代次：</translation>
    </message>
    <message>
        <source>Probe Deployment:</source>
        <translation>探针 Deployment：</translation>
    </message>
    <message>
        <source>Phase:</source>
        <translation>阶段：</translation>
    </message>
    <message>
        <source>Message:</source>
        <translation>消息：</translation>
    </message>
    <message>
        <source>Condition</source>
        <translation>条件</translation>
    </message>
    <message>
        <source>Reason</source>
        <translation>原因</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>消息</translation>
    </message>
    <message>
        <source>Last transition</source>
        <translation>上次转换时间</translation>
    </message>
    <message>
        <source>Enable probe</source>
        <translation>启用探针</translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation>编辑…</translation>
    </message>
    <message>
        <source>View YAML</source>
        <translation>查看 YAML</translation>
    </message>
    <message>
        <source>Delete…</source>
        <translation>删除…</translation>
    </message>
    <message>
        <source>off</source>
        <translation>关</translation>
    </message>
    <message numerus="yes">
        <source>%n resource(s)</source>
        <translation>
            <numerusform>%n 个资源</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n resource(s)</source>
        <translation>
            <numerusform>%n 个资源中的 %1 个</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 · %2</source>
        <translation>%1 · %2</translation>
    </message>
    <message>
        <source>&lt;span style=&quot;color:%1&quot;&gt;●&lt;/span&gt; &lt;b&gt;%2&lt;/b&gt;%3</source>
        <translation>&lt;span style=&quot;color:%1&quot;&gt;●&lt;/span&gt; &lt;b&gt;%2&lt;/b&gt;%3</translation>
    </message>
    <message>
        <source> — %1</source>
        <translation> — %1</translation>
    </message>
    <message>
        <source>observed %1 of %2 — the controller has not caught up yet</source>
        <translation>已观测 %1（当前 %2）— 控制器尚未跟上最新变更</translation>
    </message>
    <message>
        <source>observed %1 of %2</source>
        <translation>已观测 %1（当前 %2）</translation>
    </message>
    <message>
        <source>none</source>
        <translation>无</translation>
    </message>
    <message>
        <source>%1 (spec %2)</source>
        <translation>%1（规约 %2）</translation>
    </message>
    <message>
        <source>%1 = %2</source>
        <translation>%1 = %2</translation>
    </message>
    <message>
        <source>site %1</source>
        <translation>站点 %1</translation>
    </message>
    <message>
        <source>room %1</source>
        <translation>房间 %1</translation>
    </message>
    <message>
        <source>%1, %2</source>
        <translation>%1, %2</translation>
    </message>
    <message>
        <source>unknown</source>
        <translation>未知</translation>
    </message>
    <message>
        <source>always</source>
        <translation>始终</translation>
    </message>
    <message>
        <source>%1–%2</source>
        <translation>%1–%2</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1（%2）</translation>
    </message>
    <message>
        <source>yes</source>
        <translation>是</translation>
    </message>
    <message>
        <source>no</source>
        <translation>否</translation>
    </message>
    <message>
        <source>Select a resource to see its spec and status.</source>
        <translation>选择一个资源以查看其规约和状态。</translation>
    </message>
    <message>
        <source>Disable probe</source>
        <translation>禁用探针</translation>
    </message>
    <message>
        <source>Delete resource</source>
        <translation>删除资源</translation>
    </message>
    <message>
        <source>Delete the resource %1? Its probe Deployment is deleted with it.</source>
        <translation>删除资源 %1？其探针 Deployment 也将一并删除。</translation>
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
