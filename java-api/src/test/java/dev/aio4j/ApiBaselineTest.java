package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Field;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of {@code dev.aio4j} against its committed baseline, {@code java-api/api/aio4j.api}:
 * every public type, with its kind, modifiers, type parameters, superclass and interfaces, and
 * every public (and, in types that can be extended, protected) constructor, method and field it
 * declares, with generic signatures and {@code throws} clauses. Any change to the public surface —
 * an added overload, a widened parameter, a new checked exception — shows up in this file and so
 * in review.
 *
 * <p>When the test fails it prints what differs ({@code -} only in the baseline, {@code +} only in
 * the code). If the change is intended, regenerate the baseline and commit it with the change:
 *
 * <pre>
 * mvn -B test -pl java-api -am -Dtest=ApiBaselineTest -Dsurefire.failIfNoSpecifiedTests=false -Daio4j.updateApi=true
 * </pre>
 *
 * <p>The listing is made by reflection over the compiled classes, sorted, so it is the same on
 * every JDK the build runs on. Inherited members are not repeated (the superclass and interfaces are
 * listed instead); synthetic and bridge members are left out.
 */
class ApiBaselineTest {

    private static final String HEADER = String.join("\n",
            "# The public API of dev.aio4j (module dev.aio4j, artifact dev.aio4j:aio4j), checked by ApiBaselineTest.",
            "# Do not edit: regenerate with",
            "#   mvn -B test -pl java-api -am -Dtest=ApiBaselineTest -Dsurefire.failIfNoSpecifiedTests=false -Daio4j.updateApi=true",
            "");

    @Test
    void thePublicApiMatchesTheBaseline() throws Exception {
        Path baseline = Paths.get(System.getProperty("basedir", "."), "api", "aio4j.api");
        String actual = dump();
        if (Boolean.getBoolean("aio4j.updateApi")) {
            Files.createDirectories(baseline.getParent());
            Files.writeString(baseline, actual, StandardCharsets.UTF_8);
            System.out.println("ApiBaselineTest: wrote " + baseline.toAbsolutePath());
            return;
        }
        if (!Files.exists(baseline)) {
            fail("no API baseline at " + baseline.toAbsolutePath() + "; create it with -Daio4j.updateApi=true");
        }
        String expected = Files.readString(baseline, StandardCharsets.UTF_8);
        if (!expected.equals(actual)) {
            fail("The public API differs from " + baseline + " (- only in the baseline, + only in the code):\n"
                    + diff(expected, actual)
                    + "\nIf this change is intended, regenerate the baseline and commit it:\n"
                    + "  mvn -B test -pl java-api -am -Dtest=ApiBaselineTest -Dsurefire.failIfNoSpecifiedTests=false -Daio4j.updateApi=true\n");
        }
    }

    @Test
    void theDumpShowsSignaturesAsJavaWritesThem() throws Exception {
        // guards the guard: generics, varargs, throws and nested types come out readable
        String dump = dump();
        assertTrue(dump.contains("public final class dev.aio4j.Async\n"), dump);
        assertTrue(dump.contains("  public static <T> dev.aio4j.Task<java.util.List<T>> gather(java.util.concurrent.CompletionStage<? extends T>...)\n"), dump);
        assertTrue(dump.contains("  java.lang.Object invoke(kotlin.coroutines.Continuation<? super T>) throws java.lang.Exception\n"), dump);
        assertTrue(dump.contains("public static final record dev.aio4j.Outcome.Failure<T> implements dev.aio4j.Outcome<T>\n"), dump);
        assertTrue(dump.lines().filter(l -> l.startsWith("  ")).noneMatch(l -> l.contains("dev.aio4j.engine")),
                "no engine type in a public member's signature");
        assertEquals(dump, dump(), "the dump is deterministic");
    }

    // ---- the dump

    static String dump() throws Exception {
        StringBuilder out = new StringBuilder(HEADER);
        for (Class<?> c : publicTypes()) {
            out.append('\n').append(header(c)).append('\n');
            boolean extensible = !Modifier.isFinal(c.getModifiers()) && !c.isEnum() && !c.isRecord();
            // fields, then constructors, then methods by name; overloads by their text
            TreeMap<String, String> members = new TreeMap<>();
            for (Field f : c.getDeclaredFields()) {
                if (visible(f.getModifiers(), extensible) && !f.isSynthetic()) {
                    String text = field(f);
                    members.put("1 " + f.getName() + " " + text, text);
                }
            }
            for (Constructor<?> k : c.getDeclaredConstructors()) {
                if (visible(k.getModifiers(), extensible) && !k.isSynthetic()) {
                    String text = constructor(c, k);
                    members.put("2 " + text, text);
                }
            }
            for (Method m : c.getDeclaredMethods()) {
                if (visible(m.getModifiers(), extensible) && !m.isSynthetic() && !m.isBridge()) {
                    String text = method(c, m);
                    members.put("3 " + m.getName() + " " + text, text);
                }
            }
            for (String m : members.values()) out.append("  ").append(m).append('\n');
        }
        return out.toString();
    }

    private static boolean visible(int modifiers, boolean extensible) {
        return Modifier.isPublic(modifiers) || (extensible && Modifier.isProtected(modifiers));
    }

    /** Every public type of the package (nested ones too), by name; never the engine's packages. */
    private static List<Class<?>> publicTypes() throws Exception {
        URI root = Async.class.getProtectionDomain().getCodeSource().getLocation().toURI();
        List<String> names = new ArrayList<>();
        Path dir = Paths.get(root);
        if (Files.isDirectory(dir)) {
            collect(dir, dir.resolve("dev/aio4j"), names);
        } else {
            try (FileSystem jar = FileSystems.newFileSystem(dir, (ClassLoader) null)) {
                collect(jar.getPath("/"), jar.getPath("/dev/aio4j"), names);
            }
        }
        List<Class<?>> types = new ArrayList<>();
        for (String name : names) {
            Class<?> c = Class.forName(name, false, Async.class.getClassLoader());
            if (isPublicApi(c)) types.add(c);
        }
        types.sort(Comparator.comparing(Class::getName));
        return types;
    }

    private static void collect(Path root, Path dir, List<String> out) throws IOException {
        try (Stream<Path> files = Files.list(dir)) { // this package only
            files.map(p -> root.relativize(p).toString().replace('\\', '/'))
                    .filter(p -> p.endsWith(".class") && !p.endsWith("module-info.class") && !p.endsWith("package-info.class"))
                    .forEach(p -> out.add(p.substring(0, p.length() - ".class".length()).replace('/', '.')));
        }
    }

    private static boolean isPublicApi(Class<?> c) {
        if (c.isSynthetic() || c.isAnonymousClass() || c.isLocalClass()) return false;
        for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
            if (!Modifier.isPublic(k.getModifiers())) return false;
        }
        return true;
    }

    // ---- rendering

    private static String header(Class<?> c) {
        StringBuilder s = new StringBuilder();
        int mods = c.getModifiers() & Modifier.classModifiers();
        String kind;
        if (c.isAnnotation()) {
            kind = "@interface";
            mods &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
        } else if (c.isInterface()) {
            kind = "interface";
            mods &= ~(Modifier.ABSTRACT | Modifier.INTERFACE);
        } else if (c.isEnum()) {
            kind = "enum";
        } else if (c.isRecord()) {
            kind = "record";
        } else {
            kind = "class";
        }
        s.append(Modifier.toString(mods));
        if (c.isSealed()) s.append(s.length() > 0 ? " " : "").append("sealed");
        if (s.length() > 0) s.append(' ');
        s.append(kind).append(' ').append(name(c)).append(typeParameters(c.getTypeParameters(), false));
        Type superclass = c.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !c.isEnum() && !c.isRecord()) {
            s.append(" extends ").append(type(superclass));
        }
        Type[] interfaces = c.getGenericInterfaces();
        if (c.isAnnotation()) interfaces = new Type[0];
        if (interfaces.length > 0) {
            s.append(c.isInterface() ? " extends " : " implements ")
                    .append(Arrays.stream(interfaces).map(ApiBaselineTest::type).collect(Collectors.joining(", ")));
        }
        if (c.isSealed()) {
            s.append(" permits ").append(Arrays.stream(c.getPermittedSubclasses())
                    .map(ApiBaselineTest::name).sorted().collect(Collectors.joining(", ")));
        }
        return s.toString();
    }

    private static String constructor(Class<?> owner, Constructor<?> k) {
        return modifiers(k.getModifiers() & Modifier.constructorModifiers(), false)
                + typeParameters(k.getTypeParameters(), true)
                + owner.getSimpleName() + parameters(k) + exceptions(k);
    }

    private static String method(Class<?> owner, Method m) {
        int mods = m.getModifiers() & Modifier.methodModifiers();
        if (owner.isInterface()) mods &= ~(Modifier.PUBLIC | Modifier.ABSTRACT);
        return modifiers(mods, m.isDefault())
                + typeParameters(m.getTypeParameters(), true)
                + type(m.getGenericReturnType()) + ' ' + m.getName() + parameters(m) + exceptions(m);
    }

    private static String field(Field f) {
        return modifiers(f.getModifiers() & Modifier.fieldModifiers(), false) + type(f.getGenericType()) + ' ' + f.getName();
    }

    private static String modifiers(int mods, boolean isDefault) {
        String s = Modifier.toString(mods);
        if (isDefault) s = s.isEmpty() ? "default" : s + " default";
        return s.isEmpty() ? "" : s + ' ';
    }

    private static String typeParameters(TypeVariable<?>[] vars, boolean trailingSpace) {
        if (vars.length == 0) return "";
        return Arrays.stream(vars).map(v -> {
            List<Type> bounds = Arrays.stream(v.getBounds()).filter(b -> b != Object.class).collect(Collectors.toList());
            return bounds.isEmpty() ? v.getName()
                    : v.getName() + " extends " + bounds.stream().map(ApiBaselineTest::type).collect(Collectors.joining(" & "));
        }).collect(Collectors.joining(", ", "<", trailingSpace ? "> " : ">"));
    }

    private static String parameters(Executable e) {
        Type[] params = e.getGenericParameterTypes();
        if (params.length != e.getParameterCount()) params = e.getParameterTypes(); // inner-class constructors
        List<String> out = new ArrayList<>();
        for (int i = 0; i < params.length; i++) {
            String t = type(params[i]);
            if (e.isVarArgs() && i == params.length - 1 && t.endsWith("[]")) t = t.substring(0, t.length() - 2) + "...";
            out.add(t);
        }
        return out.stream().collect(Collectors.joining(", ", "(", ")"));
    }

    private static String exceptions(Executable e) {
        Type[] thrown = e.getGenericExceptionTypes();
        if (thrown.length == 0) return "";
        return " throws " + Arrays.stream(thrown).map(ApiBaselineTest::type).sorted().collect(Collectors.joining(", "));
    }

    /** A type as Java source writes it, fully qualified, nested types with a dot. */
    static String type(Type t) {
        if (t instanceof Class<?> c) {
            return c.isArray() ? type(c.getComponentType()) + "[]" : name(c);
        } else if (t instanceof ParameterizedType p) {
            return type(p.getRawType()) + Arrays.stream(p.getActualTypeArguments())
                    .map(ApiBaselineTest::type).collect(Collectors.joining(", ", "<", ">"));
        } else if (t instanceof WildcardType w) {
            if (w.getLowerBounds().length > 0) return "? super " + type(w.getLowerBounds()[0]);
            Type[] upper = w.getUpperBounds();
            return upper.length == 0 || upper[0] == Object.class ? "?" : "? extends " + type(upper[0]);
        } else if (t instanceof TypeVariable<?> v) {
            return v.getName();
        } else if (t instanceof GenericArrayType g) {
            return type(g.getGenericComponentType()) + "[]";
        }
        throw new IllegalArgumentException("unknown type: " + t);
    }

    private static String name(Class<?> c) {
        String canonical = c.getCanonicalName();
        return canonical != null ? canonical : c.getName();
    }

    // ---- a readable diff: the changed lines, each under the type it belongs to

    static String diff(String expected, String actual) {
        List<String> a = expected.lines().collect(Collectors.toList());
        List<String> b = actual.lines().collect(Collectors.toList());
        int[][] lcs = new int[a.size() + 1][b.size() + 1];
        for (int i = a.size() - 1; i >= 0; i--) {
            for (int j = b.size() - 1; j >= 0; j--) {
                lcs[i][j] = a.get(i).equals(b.get(j)) ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
            }
        }
        StringBuilder out = new StringBuilder();
        String type = null;
        String printedType = null;
        int i = 0;
        int j = 0;
        while (i < a.size() || j < b.size()) {
            String line;
            char sign;
            if (i < a.size() && j < b.size() && a.get(i).equals(b.get(j))) {
                line = a.get(i);
                sign = ' ';
                i++;
                j++;
            } else if (i < a.size() && (j == b.size() || lcs[i + 1][j] >= lcs[i][j + 1])) {
                line = a.get(i++);
                sign = '-';
            } else {
                line = b.get(j++);
                sign = '+';
            }
            boolean isType = !line.isEmpty() && !line.startsWith(" ") && !line.startsWith("#");
            if (isType) type = line;
            if (sign == ' ') continue;
            if (!isType && type != null && !type.equals(printedType)) {
                out.append("  in ").append(type).append('\n');
            }
            printedType = type;
            out.append(sign).append(' ').append(line).append('\n');
        }
        return out.toString();
    }

    @Test
    void theDiffNamesTheTypeOfEachChangedMember() {
        String before = "# h\n\npublic final class a.A\n  public void f()\n  public void g()\n\npublic final class a.B\n  public void h()\n";
        String after = "# h\n\npublic final class a.A\n  public void f()\n  public void g(int)\n\npublic final class a.B\n  public void h()\n";
        assertEquals("  in public final class a.A\n- " + "  public void g()\n+   public void g(int)\n", diff(before, after));
    }
}
