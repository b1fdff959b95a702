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
