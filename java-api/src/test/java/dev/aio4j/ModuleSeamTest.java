package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aio4j.engine.LoopCore;
import java.io.File;
import java.io.IOException;
import java.io.StringWriter;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The seam between the public API and the engine, as the build enforces it: a user's module that
 * {@code requires dev.aio4j} compiles and runs against {@code dev.aio4j}, and cannot compile
 * against {@code dev.aio4j.engine} or {@code dev.aio4j.engine.sync} — not even when it
 * {@code requires dev.aio4j.engine} itself, because the engine exports its packages to
 * {@code dev.aio4j} only (and, for the test loop, to the test module {@code dev.aio4j.test}).
 *
 * <p>The user modules are compiled with {@link JavaCompiler} on the module path made of the built
 * modules ({@code dev.aio4j}, {@code dev.aio4j.engine}) and their Kotlin dependencies. The tests of
 * this project run on the class path, where module boundaries do not apply; these do not.
 */
class ModuleSeamTest {

    @TempDir
    Path dir;

    @Test
    void theModulesSayWhatTheSeamIs() {
        ModuleDescriptor api = ModuleFinder.of(modulePath().toArray(Path[]::new)).find("dev.aio4j").orElseThrow().descriptor();
        ModuleDescriptor engine = ModuleFinder.of(modulePath().toArray(Path[]::new)).find("dev.aio4j.engine").orElseThrow().descriptor();

        // dev.aio4j to everyone; dev.aio4j.internal (what TestLoop needs) to the test module only
        Map<String, Set<String>> apiExports = new TreeMap<>();
        for (ModuleDescriptor.Exports e : api.exports()) apiExports.put(e.source(), e.targets());
        assertEquals(Map.of("dev.aio4j", Set.of(), "dev.aio4j.internal", Set.of("dev.aio4j.test")), apiExports);
        assertTrue(api.requires().stream().anyMatch(r -> r.name().equals("dev.aio4j.engine")
                && !r.modifiers().contains(ModuleDescriptor.Requires.Modifier.TRANSITIVE)),
                "dev.aio4j must read the engine without passing it on: " + api.requires());

        // every package the engine exports goes to dev.aio4j only, and the engine package also to
        // the test module (its TestLoop drives the virtual clock); never to user modules
        Map<String, Set<String>> engineExports = new TreeMap<>();
        for (ModuleDescriptor.Exports e : engine.exports()) {
            engineExports.put(e.source(), e.targets());
        }
        assertEquals(Map.of("dev.aio4j.engine", Set.of("dev.aio4j", "dev.aio4j.test"), "dev.aio4j.engine.sync", Set.of("dev.aio4j")),
                engineExports);
        assertTrue(engine.opens().isEmpty() && !engine.isOpen(), "the engine opens nothing");
    }

    @Test
    void aUserModuleCompilesAndRunsAgainstThePublicApi() throws Exception {
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), "module user.app { requires dev.aio4j; }");
        write(src.resolve("user/app/Main.java"), String.join("\n",
                "package user.app;",
                "import dev.aio4j.Async;",
                "import dev.aio4j.Loop;",
                "import dev.aio4j.SuspendCall;",
                "import dev.aio4j.Task;",
                "import java.time.Duration;",
                "public final class Main {",
                "    public static void main(String[] args) throws Exception {",
                "        SuspendCall<String> call = continuation -> \"kotlin.stdlib is read: \" + (continuation != null);",
                "        int answer = Loop.run(() -> {",
                "            Task<Integer> a = Async.sleep(Duration.ofMillis(1), 40);",
                "            Task<Integer> b = Async.task(\"b\", () -> Async.sleep(Duration.ZERO, 2));",
                "            // thenCompose and copy are inherited from Task's engine superclass: callable all the same",
                "            return Async.gather(a, b).thenCompose(l -> Async.sleep(Duration.ZERO, l.get(0) + l.get(1))).copy();",
                "        });",
                "        System.out.println(\"answer=\" + answer + \" module=\" + Main.class.getModule().getName()",
                "                + \" api=\" + Async.class.getModule().getName() + \" \" + (call != null));",
                "    }",
                "}"));

        Path out = dir.resolve("out");
        List<Diagnostic<? extends JavaFileObject>> errors = compile(src, out);
        assertTrue(errors.isEmpty(), () -> "a user module using dev.aio4j only must compile:\n" + describe(errors));

        // and it runs on the module path: the engine and kotlinx resolve as modules
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", out + File.pathSeparator + joined(modulePath()),
                "--module", "user.app/user.app.Main"));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the user module's JVM did not exit");
        assertEquals(0, p.exitValue(), output);
        assertEquals("answer=42 module=user.app api=dev.aio4j true", output.strip());
    }

    @Test
    void aUserModuleCannotCompileAgainstTheEngine() throws Exception {
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), "module user.sneaky { requires dev.aio4j; }");
        write(src.resolve("user/sneaky/UsesEngine.java"), String.join("\n",
                "package user.sneaky;",
                "import dev.aio4j.engine.LoopCore;",
                "public final class UsesEngine {",
                "    LoopCore loop;",
                "}"));

        List<Diagnostic<? extends JavaFileObject>> errors = compile(src, dir.resolve("out"));
        assertNotVisible(errors, "dev.aio4j.engine");
    }

    @Test
    void requiringTheEngineModuleDoesNotHelp() throws Exception {
        Path src = dir.resolve("src");
        write(src.resolve("module-info.java"), "module user.sneaky { requires dev.aio4j; requires dev.aio4j.engine; }");
        write(src.resolve("user/sneaky/UsesEngine.java"), String.join("\n",
                "package user.sneaky;",
                "import dev.aio4j.engine.LoopCore;",
                "import dev.aio4j.engine.sync.LockCore;",
                "public final class UsesEngine {",
                "    LoopCore loop;",
                "    LockCore lock;",
                "}"));

        List<Diagnostic<? extends JavaFileObject>> errors = compile(src, dir.resolve("out"));
        assertNotVisible(errors, "dev.aio4j.engine");
        assertNotVisible(errors, "dev.aio4j.engine.sync");
        assertTrue(describe(errors).contains("does not export"), () -> describe(errors));
    }

    // ---- helpers

    /** The built modules and their Kotlin dependencies: where each of these classes was loaded from. */
    private static List<Path> modulePath() {
        return List.of(location(Async.class), location(LoopCore.class), location(kotlin.Unit.class),
                location(kotlinx.coroutines.CoroutineDispatcher.class));
    }

    private static Path location(Class<?> c) {
        try {
            return Paths.get(c.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String joined(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(File.pathSeparator));
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text + "\n");
    }

    /** Compiles every source under {@code src} as one module; returns the errors. */
    private static List<Diagnostic<? extends JavaFileObject>> compile(Path src, Path out) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        List<Path> sources;
        try (var files = Files.walk(src)) {
            sources = files.filter(f -> f.toString().endsWith(".java")).collect(Collectors.toList());
        }
        Files.createDirectories(out);
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
            // an empty class path: in-process javac would otherwise take this JVM's, engine included
            Path emptyClassPath = Files.createDirectories(out.resolveSibling(out.getFileName() + "-empty-classpath"));
            List<String> options = List.of("--release", "17", "-d", out.toString(), "-classpath", emptyClassPath.toString(),
                    "--module-path", joined(modulePath()), "-implicit:none", "-proc:none");
            StringWriter log = new StringWriter();
            javac.getTask(log, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources)).call();
        }
        return diagnostics.getDiagnostics().stream()
                .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .collect(Collectors.toList());
    }

    /** javac refused {@code pkg} because the module graph keeps it out of reach (not because it is missing). */
    private static void assertNotVisible(List<Diagnostic<? extends JavaFileObject>> errors, String pkg) {
        assertFalse(errors.isEmpty(), "compiling against " + pkg + " must fail");
        assertTrue(errors.stream().anyMatch(d -> d.getCode().equals("compiler.err.package.not.visible")
                        && d.getMessage(Locale.ROOT).contains("package " + pkg + " is declared in module dev.aio4j.engine")),
                () -> "expected javac to say that " + pkg + " is not visible, got:\n" + describe(errors));
    }

    private static String describe(List<Diagnostic<? extends JavaFileObject>> diagnostics) {
        return diagnostics.stream()
                .map(d -> d.getCode() + ": " + d.getMessage(Locale.ROOT))
                .collect(Collectors.joining("\n"));
    }
}
