package dev.aio4j;

import dev.aio4j.engine.BodyCore;
import dev.aio4j.engine.DebugSettings;
import dev.aio4j.engine.EventLoopCore;
import dev.aio4j.engine.LoopCore;
import dev.aio4j.engine.LoopFuture;
import dev.aio4j.engine.TaskCore;
import dev.aio4j.internal.TestSupport;
import java.util.ArrayList;
import java.util.List;

/** What {@code dev.aio4j.test} needs of this package's internals, handed over through {@link TestSupport}. */
final class TestAccess implements TestSupport.Access {
    @Override
    public Loop newLoop(EventLoopCore core) {
        return Loop.driven(core);
    }

    @Override
    public LoopCore coreOf(Loop loop) {
        return loop.core;
    }

    @Override
    public <T> Task<T> start(LoopCore core, String name, AsyncCallable<T> body) {
        core.checkOpen();
        return Task.launch(new BodyCore(core, body), name);
    }

    @Override
    public <T> T result(Task<T> task) throws Exception {
        return Async.unwrapResult(task);
    }

    @Override
    public List<TaskInfo> tasks(LoopCore core) {
        return TaskInfos.of(core);
    }

    @Override
    public String dump(String header, List<TaskInfo> tasks) {
        return TaskInfos.dump(header, tasks);
    }

    @Override
    public String tree(String header, LoopCore core) {
        List<TaskCore> cores = new ArrayList<>();
        List<TaskInfo> infos = TaskInfos.infos(List.of(core), cores);
        return TaskInfos.tree(header, infos, cores);
    }

    @Override
    public DebugSettings debugSettings(DebugOptions options) {
        return options == null ? DebugSettings.FROM_SYSTEM_PROPERTY : Observability.settings(LoopOptions.defaults().debug(options));
    }

    @Override
    public String describe(LoopFuture<?> future) {
        return future.toString();
    }
}
