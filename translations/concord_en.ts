<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>concord::app::ConsoleSession</name>
    <message numerus="yes">
        <source>Mesh snapshot: %n service(s)</source>
        <translation>
            <numerusform>Mesh snapshot: %n service</numerusform>
            <numerusform>Mesh snapshot: %n services</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Update %1 %2; %n inconsistent transaction(s)</source>
        <translation>
            <numerusform>Update %1 %2; %n inconsistent transaction</numerusform>
            <numerusform>Update %1 %2; %n inconsistent transactions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Update %1 force-retired; %n transaction(s) may have seen two versions</source>
        <translation>
            <numerusform>Update %1 force-retired; %n transaction may have seen two versions</numerusform>
            <numerusform>Update %1 force-retired; %n transactions may have seen two versions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Resources: %n resource(s)</source>
        <translation>
            <numerusform>Resources: %n resource</numerusform>
            <numerusform>Resources: %n resources</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>concord::app::OrchestrationSession</name>
    <message numerus="yes">
        <source>The orchestration of %1 is ready: %n instance(s) running</source>
        <translation>
            <numerusform>The orchestration of %1 is ready: %n instance running</numerusform>
            <numerusform>The orchestration of %1 is ready: %n instances running</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>concord::models::OrchestrationInstanceModel</name>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… and %n more</numerusform>
            <numerusform>… and %n more</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n resource(s):</source>
        <translation>
            <numerusform>%n resource:</numerusform>
            <numerusform>%n resources:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The instance reloaded its resource set %n time(s)</source>
        <translation>
            <numerusform>The instance reloaded its resource set %n time</numerusform>
            <numerusform>The instance reloaded its resource set %n times</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Pod %1: %2; recreated %n time(s)</source>
        <translation>
            <numerusform>Pod %1: %2; recreated %n time</numerusform>
            <numerusform>Pod %1: %2; recreated %n times</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n s ago</source>
        <translation>
            <numerusform>%n s ago</numerusform>
            <numerusform>%n s ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n min ago</source>
        <translation>
            <numerusform>%n min ago</numerusform>
            <numerusform>%n min ago</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n h ago</source>
        <translation>
            <numerusform>%n h ago</numerusform>
            <numerusform>%n h ago</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>concord::widgets::ConnectionBar</name>
    <message numerus="yes">
        <source>Reconnecting in %n s — %1</source>
        <translation>
            <numerusform>Reconnecting in %n s — %1</numerusform>
            <numerusform>Reconnecting in %n s — %1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>concord::widgets::OrchestrationPage</name>
    <message numerus="yes">
        <source>Plan: %1 over %n instance(s) of at most %2 each</source>
        <translation>
            <numerusform>Plan: %1 over %n instance of at most %2 each</numerusform>
            <numerusform>Plan: %1 over %n instances of at most %2 each</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Re-orchestrate the %1 over %n instance(s) of at most %2 each?</source>
        <translation>
            <numerusform>Re-orchestrate the %1 over %n instance of at most %2 each?</numerusform>
            <numerusform>Re-orchestrate the %1 over %n instances of at most %2 each?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln thing(s)</source>
        <translation>
            <numerusform>%Ln thing</numerusform>
            <numerusform>%Ln things</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln rule(s)</source>
        <translation>
            <numerusform>%Ln rule</numerusform>
            <numerusform>%Ln rules</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%Ln resource(s)</source>
        <translation>
            <numerusform>%Ln resource</numerusform>
            <numerusform>%Ln resources</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n instance(s)</source>
        <translation>
            <numerusform>%n instance</numerusform>
            <numerusform>%n instances</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>concord::widgets::ResourcesPanel</name>
    <message numerus="yes">
        <source>%n resource(s)</source>
        <translation>
            <numerusform>%n resource</numerusform>
            <numerusform>%n resources</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 of %n resource(s)</source>
        <translation>
            <numerusform>%1 of %n resource</numerusform>
            <numerusform>%1 of %n resources</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>concord::widgets::UpdateProgressPanel</name>
    <message numerus="yes">
        <source>DiffSet: %1 · completed: %2 · %n inconsistent transaction(s)</source>
        <translation>
            <numerusform>DiffSet: %1 · completed: %2 · %n inconsistent transaction</numerusform>
            <numerusform>DiffSet: %1 · completed: %2 · %n inconsistent transactions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n straggler(s), %1 listed</source>
        <translation>
            <numerusform>%n straggler, %1 listed</numerusform>
            <numerusform>%n stragglers, %1 listed</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n straggler(s)</source>
        <translation>
            <numerusform>%n straggler</numerusform>
            <numerusform>%n stragglers</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Retire %1 %2 now although its DiffSet is not empty?
%n transaction(s) still in flight may see two versions (stragglers: %3); they are recorded as possible consistency violations.</source>
        <translation>
            <numerusform>Retire %1 %2 now although its DiffSet is not empty?
%n transaction still in flight may see two versions (stragglers: %3); they are recorded as possible consistency violations.</numerusform>
            <numerusform>Retire %1 %2 now although its DiffSet is not empty?
%n transactions still in flight may see two versions (stragglers: %3); they are recorded as possible consistency violations.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>concord::widgets::VersionTreePanel</name>
    <message numerus="yes">
        <source>%n instance(s): %1</source>
        <translation>
            <numerusform>%n instance: %1</numerusform>
            <numerusform>%n instances: %1</numerusform>
        </translation>
    </message>
</context>
</TS>
