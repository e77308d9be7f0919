/*
 * Loomscope's SIGQUIT shim. Java cannot handle SIGQUIT (the JVM owns it), but on SIGQUIT -- and on
 * `jcmd PID JVMTI.data_dump` -- the JVM posts the JVMTI DataDumpRequest event to every JVMTI environment, right after
 * printing its thread dump. This library creates its own JVMTI environment, enables that one event, and forwards it
 * to the static Java method dev.loomscope.agent.nativeshim.NativeShim.dataDumpRequested(), which only wakes the
 * agent's dump thread: the event arrives on the JVM's "Signal Dispatcher" thread, which must never do the dump itself.
 *
 * Built by the agent module's Maven build (gcc -shared -fPIC -O2 against the JNI/JVMTI headers of the JDK running
 * Maven) into the agent jar; extracted and loaded by the agent at start.
 */
#include <jni.h>
#include <jvmti.h>
#include <string.h>

/* Set once by register(); read by the callback, which the JVM enables only after they are set. */
static JavaVM *loomscope_vm;
static jclass loomscope_shim_class;      /* global reference: the class can never be unloaded under us */
static jmethodID loomscope_requested;    /* static void dataDumpRequested() */
static jvmtiEnv *loomscope_jvmti;

static void JNICALL loomscope_on_data_dump(jvmtiEnv *jvmti) {
    (void) jvmti;
    JNIEnv *env = NULL;
    /* The posting thread (Signal Dispatcher, or the Attach Listener for jcmd) is a Java thread: attached already. */
    if (loomscope_vm == NULL
            || (*loomscope_vm)->GetEnv(loomscope_vm, (void **) &env, JNI_VERSION_1_8) != JNI_OK || env == NULL) {
        return;
    }
    (*env)->CallStaticVoidMethod(env, loomscope_shim_class, loomscope_requested);
    if ((*env)->ExceptionCheck(env)) {
        (*env)->ExceptionClear(env); /* never let the agent disturb the JVM's own SIGQUIT handling */
    }
}

/*
 * Returns 0 when DataDumpRequest events now reach the shim class, otherwise a positive step number saying which step
 * failed (the Java side reports it in one line).
 */
JNIEXPORT jint JNICALL Java_dev_loomscope_agent_nativeshim_NativeShim_registerSigquit(JNIEnv *env, jclass shim) {
    if (loomscope_jvmti != NULL) {
        return 0; /* registered already */
    }
    JavaVM *vm = NULL;
    if ((*env)->GetJavaVM(env, &vm) != JNI_OK || vm == NULL) {
        return 1;
    }
    jmethodID requested = (*env)->GetStaticMethodID(env, shim, "dataDumpRequested", "()V");
    if (requested == NULL) {
        (*env)->ExceptionClear(env);
        return 2;
    }
    jclass global = (jclass) (*env)->NewGlobalRef(env, shim);
    if (global == NULL) {
        return 3;
    }
    jvmtiEnv *jvmti = NULL;
    if ((*vm)->GetEnv(vm, (void **) &jvmti, JVMTI_VERSION_1_2) != JNI_OK || jvmti == NULL) {
        (*env)->DeleteGlobalRef(env, global);
        return 4;
    }
    loomscope_vm = vm;
    loomscope_shim_class = global;
    loomscope_requested = requested;

    jvmtiEventCallbacks callbacks;
    memset(&callbacks, 0, sizeof(callbacks));
    callbacks.DataDumpRequest = &loomscope_on_data_dump;
    if ((*jvmti)->SetEventCallbacks(jvmti, &callbacks, (jint) sizeof(callbacks)) != JVMTI_ERROR_NONE) {
        (*jvmti)->DisposeEnvironment(jvmti);
        return 5;
    }
    if ((*jvmti)->SetEventNotificationMode(jvmti, JVMTI_ENABLE, JVMTI_EVENT_DATA_DUMP_REQUEST, NULL)
            != JVMTI_ERROR_NONE) {
        (*jvmti)->DisposeEnvironment(jvmti);
        return 6;
    }
    loomscope_jvmti = jvmti;
    return 0;
}
