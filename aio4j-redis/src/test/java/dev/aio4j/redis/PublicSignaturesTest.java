package dev.aio4j.redis;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** No Kotlin type (and no engine type) in a public signature of dev.aio4j.redis; needs no Redis. */
class PublicSignaturesTest {
    static final List<Class<?>> PUBLIC = List.of(RedisQueue.class, RedisQueue.Builder.class, Delivery.class,
            JobCodec.class, JobHandler.class, LeaseLostException.class, DeadLetter.class, QueueStats.class,
            WorkerOptions.class);

    @Test
    void publicSignaturesUseNoKotlinOrEngineType() {
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : PUBLIC) {
            List<Executable> members = new ArrayList<>(List.of(c.getDeclaredMethods()));
            members.addAll(List.of(c.getDeclaredConstructors()));
            for (Executable m : members) {
                if (!Modifier.isPublic(m.getModifiers()) || m.isSynthetic()) continue;
                List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
                types.addAll(List.of(m.getGenericExceptionTypes()));
                if (m instanceof Method method) types.add(method.getGenericReturnType());
                for (Type t : types) {
                    String name = t.getTypeName();
                    if (name.contains("kotlin.") || name.contains("dev.aio4j.engine")) {
                        leaks.add(c.getSimpleName() + "." + (m instanceof Constructor<?> ? "<init>" : m.getName()) + ": " + name);
                    }
                }
            }
        }
        assertEquals(List.of(), leaks);
    }
}
