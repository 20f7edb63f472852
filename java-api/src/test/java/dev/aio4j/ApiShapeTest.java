package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The public API as a Java user writes it: every call assigned to a typed local, so a change
 * that makes the API awkward from Java (a Kotlin type, a lost generic, a checked exception)
 * fails to compile. It grows with each feature. The reflection test guards the rule that no
 * Kotlin type appears in a public signature of {@code dev.aio4j}.
 */
@Timeout(30)
class ApiShapeTest {

    @Test
    @SuppressWarnings("unused")
    void everyPublicCallReadsWellFromJava() throws Exception {
        // AsyncCallable: the shape of async def
        AsyncCallable<String> fetch = () -> Async.sleep(Duration.ofMillis(1), "done");
        CompletionStage<String> called = fetch.call();

        // Loop
        String fromRun = Loop.run(fetch);
        Loop loop = Loop.create("api-shape");
        Loop shared = Loop.shared();
        Optional<Loop> current = Loop.current();
        Task<String> onLoop = loop.task(fetch);
        Task<String> named = loop.task("named", fetch);
        Handle soon = loop.callSoon(() -> {});
        Handle later = loop.callLater(Duration.ofMillis(1), () -> {});
        boolean handleCancelled = later.isCancelled();
        later.cancel();
        String untilComplete = loop.runUntilComplete(onLoop);
        Executor asExecutor = loop;
        loop.execute(() -> {});
        long now = loop.time();
        String loopName = loop.name();
        BiConsumer<String, Throwable> handler = (message, error) -> {};
        loop.setExceptionHandler(handler);
        boolean closedYet = loop.isClosed();

        // Task
        Task<String> task = Async.task(fetch);
        Task<String> namedTask = Async.task("fetch", fetch);
        String taskName = task.name();
        Loop taskLoop = task.loop();
        String joined = task.join();
        String got = task.get();
        String result = task.result();
        Throwable failure = task.exception();
        Consumer<Task<String>> callback = t -> {};
        task.addDoneCallback(callback);
        int removed = task.removeDoneCallback(callback);
        boolean cancelled = namedTask.cancel();
        boolean cancelledToo = namedTask.cancel(true);
        boolean cancelledWithMessage = namedTask.cancel("why");
        CompletableFuture<String> copy = task.copy();
        Executor defaultExecutor = task.defaultExecutor();
        CompletableFuture<Integer> derived = task.thenApply(String::length);
        CompletableFuture<String> composed = task.thenCompose(s -> Async.sleep(Duration.ZERO, s));
        CompletableFuture<String> asCf = task;
        CompletionStage<String> asStage = task;

        // sleep
        Task<Void> sleep = Async.sleep(Duration.ZERO);
        Task<String> sleepValue = Async.sleep(Duration.ZERO, "v");

        // gather
        Task<List<String>> gathered = Async.gather(task, sleepValue, CompletableFuture.completedFuture("x"));
        Task<List<String>> gatheredList = Async.gather(List.of(task, sleepValue));
        Task<List<Object>> mixed = Async.<Object>gather(task, sleep);
        Task<List<Outcome<String>>> settled = Async.gatherSettled(task, sleepValue);
        Task<List<Outcome<String>>> settledList = Async.gatherSettled(List.of(task, sleepValue));
        for (Outcome<String> o : settled.join()) {
            if (o instanceof Outcome.Success<String> s) {
                String value = s.value();
            } else if (o instanceof Outcome.Failure<String> f) {
                Throwable error = f.error();
            }
            boolean ok = o.isSuccess();
            String orThrow = o.getOrThrow();
        }
        Outcome<String> success = Outcome.success("v");
        Outcome<String> failed = Outcome.failure(new IOException("x"));

        // wait
        List<Task<String>> stages = List.of(task, sleepValue);
        Task<Done<Task<String>>> waited = Async.wait(stages, ReturnWhen.FIRST_COMPLETED);
        Task<Done<Task<String>>> waitedTimeout = Async.wait(stages, ReturnWhen.ALL_COMPLETED, Duration.ofSeconds(1));
        Done<Task<String>> done = waited.join();
        Set<Task<String>> doneSet = done.done();
        Set<Task<String>> pendingSet = done.pending();
        Done<CompletableFuture<String>> madeDone = new Done<>(Set.of(), Set.of());
        ReturnWhen when = ReturnWhen.valueOf("FIRST_EXCEPTION");

        // timeouts
        Task<String> waitedFor = Async.waitFor(task, Duration.ofSeconds(1));
        Task<String> underDeadline = Async.timeout(Duration.ofSeconds(1), fetch);

        // as_completed, shield
        List<Task<String>> inOrder = Async.asCompleted(stages);
        List<Task<String>> inOrderTimeout = Async.asCompleted(stages, Duration.ofSeconds(1));
        Task<String> shielded = Async.shield(task);

        // threads
        Task<Integer> onThread = Async.toThread(() -> 42);
        Task<Integer> onExecutor = Async.runInExecutor(Runnable::run, () -> 42);
        Integer awaited = Async.await(onThread);

        // introspection
        Optional<Task<?>> currentTask = Async.currentTask();
        Set<Task<?>> allTasks = Async.allTasks();

        // errors
        IllegalStateException invalid = new InvalidStateException("not done");

        loop.close();
        assertEquals("done", fromRun);
        assertEquals(42, awaited);
        assertEquals(List.of("done", "v"), gatheredList.join());
    }

    // ------------------------------------------------------------------ no Kotlin in public signatures

    @Test
    void noPublicSignatureMentionsAKotlinOrEngineType() throws Exception {
        List<Class<?>> types = publicTypesOfThePackage();
        Set<String> names = new TreeSet<>();
        for (Class<?> c : types) names.add(c.getSimpleName());
        assertTrue(names.containsAll(Set.of("Task", "Loop", "Async", "AsyncCallable", "Handle", "Done", "Outcome",
                "Success", "Failure", "ReturnWhen", "InvalidStateException")), "scan found only " + names);
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : types) {
            Checker check = new Checker(c, leaks);
            if (c == Task.class) {
                // the one engine type a public type may name: Task's superclass, where the future
                // behaviour shared with the sync primitives' futures lives (public members it adds: none)
                assertEquals("dev.aio4j.engine.LoopFuture", c.getSuperclass().getName());
                assertEquals(java.util.concurrent.CompletableFuture.class, c.getSuperclass().getSuperclass());
                for (Method m : c.getSuperclass().getDeclaredMethods()) {
                    if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic() || m.isBridge()) continue;
                    assertTrue(overridesCompletableFuture(m), "LoopFuture adds a public method to Task: " + m);
                }
            } else {
                check.type(c.getGenericSuperclass(), "superclass");
            }
            for (Type t : c.getGenericInterfaces()) check.type(t, "interface");
            for (TypeVariable<?> v : c.getTypeParameters()) check.type(v, "type parameter");
            for (Method m : methods(c)) {
                String where = m.getName() + "()";
                check.type(m.getGenericReturnType(), where + " return");
                for (Type t : m.getGenericParameterTypes()) check.type(t, where + " parameter");
                for (Type t : m.getGenericExceptionTypes()) check.type(t, where + " throws");
                for (TypeVariable<?> v : m.getTypeParameters()) check.type(v, where + " type parameter");
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (!visible(k.getModifiers()) || k.isSynthetic()) continue;
                for (Type t : k.getGenericParameterTypes()) check.type(t, "constructor parameter");
                for (Type t : k.getGenericExceptionTypes()) check.type(t, "constructor throws");
            }
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers()) && !f.isSynthetic()) check.type(f.getGenericType(), "field " + f.getName());
            }
        }
        assertEquals(List.of(), leaks);
    }

    private static boolean overridesCompletableFuture(Method m) {
        try {
            java.util.concurrent.CompletableFuture.class.getMethod(m.getName(), m.getParameterTypes());
            return true;
        } catch (NoSuchMethodException e) {
            return false;
        }
    }

    private static boolean visible(int modifiers) {
        return Modifier.isPublic(modifiers) || Modifier.isProtected(modifiers);
    }

    private static List<Method> methods(Class<?> c) {
        List<Method> out = new ArrayList<>();
        for (Method m : c.getMethods()) if (!m.isSynthetic()) out.add(m); // public, inherited included
        for (Method m : c.getDeclaredMethods()) {
            if (Modifier.isProtected(m.getModifiers()) && !m.isSynthetic()) out.add(m);
        }
        return out;
    }

    /** Every public (or public-nested) type of package dev.aio4j, found where Task.class was loaded from. */
    private static List<Class<?>> publicTypesOfThePackage() throws Exception {
        URI where = Task.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        Path root = Path.of(where);
        List<String> classNames = new ArrayList<>();
        if (Files.isDirectory(root)) {
            collect(root, root.resolve("dev/aio4j"), classNames);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(root, (ClassLoader) null)) {
                collect(jar.getPath("/"), jar.getPath("/dev/aio4j"), classNames);
            }
        }
        List<Class<?>> out = new ArrayList<>();
        for (String name : classNames) {
            Class<?> c = Class.forName(name, false, Task.class.getClassLoader());
            if (isPublicApi(c)) out.add(c);
        }
        return out;
    }

    private static void collect(Path root, Path dir, List<String> out) throws IOException {
        try (Stream<Path> files = Files.list(dir)) { // the package only, not dev.aio4j.engine
            files.filter(p -> p.toString().endsWith(".class")).forEach(p -> {
                String rel = root.relativize(p).toString().replace(File.separatorChar, '/').replace('/', '.');
                out.add(rel.substring(0, rel.length() - ".class".length()));
            });
        }
    }

    private static boolean isPublicApi(Class<?> c) {
        if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) return false;
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) return false;
        }
        return true;
    }

    /** Walks a generic type and records every Kotlin or engine type in it. */
    private static final class Checker {
        private final Class<?> owner;
        private final List<String> leaks;
        private final Set<TypeVariable<?>> seen = Collections.newSetFromMap(new java.util.IdentityHashMap<>());

        Checker(Class<?> owner, List<String> leaks) {
            this.owner = owner;
            this.leaks = leaks;
        }

        void type(Type t, String where) {
            if (t == null) return;
            if (t instanceof Class<?> k) {
                while (k.isArray()) k = k.getComponentType();
                String n = k.getName();
                boolean kotlin = n.startsWith("kotlin.");
                boolean allowed = owner.getName().equals("dev.aio4j.SuspendCall") && n.equals("kotlin.coroutines.Continuation");
                if ((kotlin && !allowed) || n.startsWith("dev.aio4j.engine.")) {
                    leaks.add(owner.getName() + " " + where + ": " + n);
                }
            } else if (t instanceof ParameterizedType p) {
                type(p.getRawType(), where);
                type(p.getOwnerType(), where);
                for (Type a : p.getActualTypeArguments()) type(a, where);
            } else if (t instanceof WildcardType w) {
                for (Type b : w.getUpperBounds()) type(b, where);
                for (Type b : w.getLowerBounds()) type(b, where);
            } else if (t instanceof TypeVariable<?> v) {
                if (seen.add(v)) for (Type b : v.getBounds()) type(b, where);
            } else if (t instanceof GenericArrayType g) {
                type(g.getGenericComponentType(), where);
            }
        }
    }

    @Test
    void theCheckerSeesAKotlinTypeWhereOneIs() {
        // guards the guard: a signature with a Kotlin type is reported
        List<String> leaks = new ArrayList<>();
        Checker check = new Checker(ApiShapeTest.class, leaks);
        check.type(new ParameterizedType() {
            @Override
            public Type[] getActualTypeArguments() {
                return new Type[] {kotlin.Unit.class};
            }

            @Override
            public Type getRawType() {
                return Map.class;
            }

            @Override
            public Type getOwnerType() {
                return null;
            }
        }, "probe");
        assertEquals(1, leaks.size(), leaks.toString());
    }
}
