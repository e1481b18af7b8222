package exo.cli;

import picocli.CommandLine.Mixin;

/**
 * The options of the commands that generate with a model (run, chat, serve): which model, how
 * it samples and computes, its chat template, and the cluster it may run across.
 */
final class ModelRunOptions {
    @Mixin
    ModelSource source;
    @Mixin
    SamplingOptions sampling;
    @Mixin
    EngineOption engine;
    @Mixin
    TemplateOption template;
    @Mixin
    ClusterTailOptions tail;
}
