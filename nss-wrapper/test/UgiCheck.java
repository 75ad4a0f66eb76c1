import org.apache.hadoop.security.UserGroupInformation;

/**
 * Prints what the JVM and Hadoop think the current user is.
 * Prints "user.name=X" first, then "ugi=Y" and exits 0, or "UGI-FAILED: ..." and exits 1
 * when UserGroupInformation cannot determine the user (e.g. a UID without a passwd entry).
 */
public final class UgiCheck {
    public static void main(String[] args) {
        System.out.println("user.name=" + System.getProperty("user.name"));
        try {
            System.out.println("ugi=" + UserGroupInformation.getCurrentUser().getShortUserName());
        } catch (Throwable t) {
            Throwable root = t;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            System.out.println("UGI-FAILED: " + oneLine(t) + " | root cause: " + oneLine(root));
            System.exit(1);
        }
    }

    private static String oneLine(Throwable t) {
        String msg = String.valueOf(t.getMessage());
        int cut = msg.indexOf('\n');
        int tab = msg.indexOf('\t');
        if (tab >= 0 && (cut < 0 || tab < cut)) {
            cut = tab; // LoginException messages embed a stack trace; keep only the headline
        }
        return t.getClass().getName() + ": " + (cut >= 0 ? msg.substring(0, cut).trim() : msg);
    }
}
