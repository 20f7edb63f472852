package dev.aio4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The sync primitives read well from Java: every public call assigned to a typed local (a change
 * that makes one awkward fails to compile), and no Kotlin type in any public signature.
 */
class SyncApiShapeTest {

    @Test
    void everyCallHasAPlainJavaType() throws Exception {
        AsyncLock lock = new AsyncLock();
        CompletableFuture<Void> acquired = lock.acquire();
        boolean tried = lock.tryAcquire();
        boolean locked = lock.isLocked();
        Task<String> guarded = lock.withLock(() -> CompletableFuture.completedFuture("x"));
        lock.release();

        AsyncSemaphore sem = new AsyncSemaphore(1);
        AsyncSemaphore bounded = AsyncSemaphore.bounded(1);
        CompletableFuture<Void> permit = sem.acquire();
        boolean triedPermit = bounded.tryAcquire();
        int available = sem.availablePermits();
        Task<Integer> withPermit = bounded.withPermit(() -> CompletableFuture.completedFuture(1));

        AsyncEvent event = new AsyncEvent();
        CompletableFuture<Void> eventWait = event.await();
        event.set();
        boolean isSet = event.isSet();
        event.clear();

        AsyncCondition cond = new AsyncCondition(new AsyncLock());
        AsyncLock condLock = cond.lock();
        CompletableFuture<Void> condAcquired = cond.acquire();
        CompletableFuture<Void> condWait = cond.awaitUntil(() -> true);
        cond.signal();
        cond.signal(2);
        cond.signalAll();
        cond.release();

        AsyncBarrier barrier = new AsyncBarrier(1);
        CompletableFuture<Integer> index = barrier.await();
        int parties = barrier.parties();
        int waiting = barrier.waiting();
        boolean broken = barrier.isBroken();

        AsyncQueue<String> fifo = AsyncQueue.fifo(2);
        AsyncQueue<String> lifo = AsyncQueue.lifo(0);
        AsyncQueue<String> byLength = AsyncQueue.priority(0, Comparator.comparingInt(String::length));
        AsyncQueue<Integer> natural = AsyncQueue.priority(0);
        CompletableFuture<Void> put = fifo.put("a");
        fifo.putNowait("b");
        CompletableFuture<String> got = fifo.get();
        String now = fifo.getNowait();
        fifo.taskDone();
        CompletableFuture<Void> joined = fifo.join();
        int size = lifo.size();
        int max = byLength.maxsize();
        boolean empty = natural.isEmpty();
        boolean full = fifo.isFull();
        fifo.shutdown();
        fifo.shutdown(true);
        boolean shut = fifo.isShutDown();

        assertTrue(acquired.isDone() && tried == false && locked && guarded != null);
        assertTrue(permit.isDone() && triedPermit && available == 0 && withPermit != null);
        assertTrue(eventWait.isDone() && isSet && condLock != null && condAcquired.isDone() && condWait.isDone());
        assertEquals(0, index.join());
        assertTrue(parties == 1 && waiting == 0 && !broken);
        assertTrue(put.isDone() && "a".equals(got.join()) && "b".equals(now) && !joined.isDone());
        assertTrue(size == 0 && max == 0 && empty && !full && shut);
    }

    @Test
    void noKotlinTypeInAnyPublicSignature() {
        Class<?>[] types = {AsyncLock.class, AsyncSemaphore.class, AsyncEvent.class, AsyncCondition.class,
            AsyncBarrier.class, AsyncQueue.class, QueueFullException.class, QueueEmptyException.class,
            QueueShutDownException.class};
        List<String> leaks = new ArrayList<>();
        for (Class<?> c : types) {
            List<Executable> members = new ArrayList<>();
            for (Method m : c.getDeclaredMethods()) if (Modifier.isPublic(m.getModifiers())) members.add(m);
            for (Constructor<?> k : c.getDeclaredConstructors()) if (Modifier.isPublic(k.getModifiers())) members.add(k);
            for (Executable e : members) {
                List<Type> sig = new ArrayList<>(List.of(e.getGenericParameterTypes()));
                if (e instanceof Method m) sig.add(m.getGenericReturnType());
                for (Type t : sig) {
                    if (t.getTypeName().contains("kotlin.") || t.getTypeName().contains("dev.aio4j.engine")) {
                        leaks.add(c.getSimpleName() + "." + e.getName() + ": " + t.getTypeName());
                    }
                }
            }
        }
        assertEquals(List.of(), leaks);
    }
}
